package io.robmqtt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/Dockerfile read as text (there is no container engine here to build it): the image runs as its own user,
 * starts through entrypoint.sh (which keeps the Web Console on loopback), exposes and health-checks the probes
 * listener only, and its build context carries the script.
 */
class DockerfileTest {
    private final Path deploy = Path.of(System.getProperty("robmqtt.deploy.dir", "."));

    @Test
    void theImageRunsTheEntrypointAsItsOwnUserAndExposesOnlyTheProbes() throws IOException {
        List<String> lines = Files.readAllLines(deploy.resolve("Dockerfile"));
        assertThat(lines).contains("USER robmqtt", "EXPOSE 8081", "ENTRYPOINT [\"./entrypoint.sh\"]",
                "COPY deploy/entrypoint.sh entrypoint.sh", "COPY deploy/conf/ container-conf/");
        assertThat(lines).filteredOn(l -> l.startsWith("EXPOSE")).containsExactly("EXPOSE 8081");
        assertThat(lines).filteredOn(l -> l.contains("CMD curl")).singleElement().asString()
                .contains("127.0.0.1:${ROBMQTT_PROBES_PORT:-8081}/health/live");
        assertThat(String.join("\n", lines)).as("no listener opened to the network by the image itself")
                .doesNotContain("org.apache.felix.http.host=0.0.0.0");
        assertThat(Files.readAllLines(deploy.resolve("Dockerfile.dockerignore"))).contains("!deploy/entrypoint.sh", "!deploy/conf/");
        assertThat(Files.isExecutable(deploy.resolve("entrypoint.sh"))).as("entrypoint.sh is executable").isTrue();
    }
}
