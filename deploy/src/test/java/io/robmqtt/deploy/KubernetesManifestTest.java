package io.robmqtt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/kubernetes.yaml read as data (there is no cluster here to apply it to): the pod gets no Service
 * environment variables (they would fill the connection's MQTT_* overlay), runs as a user that is not root,
 * cannot gain privileges, writes only to its volumes, has resource limits, and exposes only the probes listener.
 */
class KubernetesManifestTest {
    private static Map<String, Object> deployment;
    private static Map<String, Object> pod;
    private static Map<String, Object> container;

    @BeforeAll
    static void read() throws IOException {
        Path manifest = Path.of(System.getProperty("robmqtt.deploy.dir", "."), "kubernetes.yaml");
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(manifest))) {
            documents.add(map(document));
        }
        deployment = documents.stream().filter(d -> "Deployment".equals(d.get("kind"))).findFirst().orElseThrow();
        pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
        List<Map<String, Object>> containers = list(pod.get("containers"));
        assertThat(containers).as("containers of the pod").hasSize(1);
        container = containers.get(0);
    }

    @Test
    void thePodGetsNoServiceEnvironmentVariablesNorAnApiToken() {
        assertThat(pod.get("enableServiceLinks")).as("enableServiceLinks").isEqualTo(false);
        assertThat(pod.get("automountServiceAccountToken")).as("automountServiceAccountToken").isEqualTo(false);
    }

    @Test
    void itRunsAsAUserThatIsNotRootAndCannotGainPrivileges() {
        Map<String, Object> podSecurity = map(pod.get("securityContext"));
        assertThat(podSecurity.get("runAsNonRoot")).isEqualTo(true);
        assertThat((Integer) podSecurity.get("runAsUser")).isPositive();
        assertThat(map(podSecurity.get("seccompProfile")).get("type")).isEqualTo("RuntimeDefault");
        Map<String, Object> security = map(container.get("securityContext"));
        assertThat(security.get("allowPrivilegeEscalation")).as("allowPrivilegeEscalation").isEqualTo(false);
        assertThat(security.getOrDefault("privileged", false)).as("privileged").isEqualTo(false);
        assertThat(list(map(security.get("capabilities")).get("drop"))).as("capabilities dropped").containsExactly("ALL");
    }

    @Test
    void itWritesOnlyToItsVolumes() {
        assertThat(map(container.get("securityContext")).get("readOnlyRootFilesystem")).isEqualTo(true);
        List<Map<String, Object>> volumeMounts = list(container.get("volumeMounts"));
        Map<String, Boolean> mounts = volumeMounts.stream().collect(Collectors.toMap(
                m -> (String) m.get("mountPath"), m -> Boolean.TRUE.equals(m.get("readOnly"))));
        // what the gateway writes: its queue, the framework cache, its logs, the JVM's temporary files
        for (String written : List.of("/opt/robmqtt/data", "/opt/robmqtt/run", "/opt/robmqtt/logs", "/tmp")) {
            assertThat(mounts).as("a writable volume on " + written).containsEntry(written, false);
        }
        assertThat(mounts).containsEntry("/opt/robmqtt/conf", true).containsEntry("/opt/robmqtt/secrets", true);
    }

    @Test
    void itHasResourceRequestsAndLimits() {
        Map<String, Object> resources = map(container.get("resources"));
        assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
        assertThat(map(resources.get("limits"))).containsKeys("cpu", "memory", "ephemeral-storage");
    }

    @Test
    void onlyTheProbesListenerIsAPortAndTheProbesUseIt() {
        List<Map<String, Object>> ports = list(container.get("ports"));

        assertThat(ports).extracting(p -> p.get("containerPort")).as("the Web Console's 8080 is not exposed")
                .containsExactly(8081);
        assertThat(ports).extracting(p -> p.get("name")).containsExactly("probes");
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
            assertThat(get.get("port")).as(probe).isEqualTo("probes");
            assertThat((String) get.get("path")).as(probe).startsWith("/health/");
        }
    }

    @Test
    void oneGatewayAtATime() {
        Map<String, Object> spec = map(deployment.get("spec"));
        assertThat(spec.get("replicas")).isEqualTo(1);
        assertThat(map(spec.get("strategy")).get("type")).isEqualTo("Recreate");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).as("a YAML mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(Object value) {
        assertThat(value).as("a YAML list").isInstanceOf(List.class);
        return (List<T>) value;
    }
}
