package io.robmqtt.kura.runtimetest;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.Subscriber;
import io.robmqtt.testing.TempDirs;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The built Kura deployment package in a Kura-like runtime (Kura 5.5/5.6's OSGi base, {@link KuraRuntime}), used as
 * on Kura: installed through DeploymentAdmin, configured through ConfigAdmin as Kura's ConfigurationService writes
 * configurations, used by an application bundle, updated to its next version while that bundle publishes,
 * uninstalled; then the framework is stopped and the JVM must exit. The steps run in order on one runtime and one
 * Mosquitto of the test's own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
class KuraRuntimeIT {
    /** What the package brings, by Bundle-SymbolicName. */
    private static final Set<String> PACKAGE = Set.of("io.robmqtt.api", "io.robmqtt.store", "io.robmqtt.client",
            "io.robmqtt.kura", "org.eclipse.paho.client.mqttv3", "org.xerial.sqlite-jdbc", "org.osgi.util.converter");
    private static final String CONNECTION = "io.robmqtt.connection";
    private static final String STORE = "io.robmqtt.store";

    private Path root;
    private TestBroker broker;
    private Subscriber subscriber;
    private KuraRuntime kura;
    private Set<String> workingDirectoryAtStart;
    private long testApp;

    @BeforeAll
    void start() throws Exception {
        Path plugins = Path.of(System.getProperty("kura.runtime", "target/kura-runtime/plugins"));
        assertThat(plugins.resolve("framework")).as("the runtime the build assembled").isDirectory();
        assertThat(dp()).as("the package the kura module built").isRegularFile();
        broker = TestBroker.startMosquitto();
        subscriber = new Subscriber(broker.uri(), "kura-test/#");
        root = Files.createTempDirectory("robmqtt-kura-runtime");
        kura = KuraRuntime.start(plugins, root);
        workingDirectoryAtStart = files(kura.home);
        Path control = Path.of(System.getProperty("control.bundle", "target/control.jar")).toAbsolutePath();
        kura.installAndStart(control);
        Await.until("the kt:* commands are there", Duration.ofSeconds(20),
                () -> kura.run("kt:bundles").contains("bundle org.eclipse.osgi "),
                () -> ChildProcesses.read(kura.console));
    }

    @AfterAll
    void stop() throws Exception {
        if (kura != null) {
            kura.close();
        }
        if (subscriber != null) {
            subscriber.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (root != null) {
            keepLogs();
            TempDirs.delete(root);
        }
    }

    @Test
    @Order(1)
    void theBuiltPackageInstallsThroughDeploymentAdminAndEveryBundleStarts() {
        assertThat(kura.run("kt:install " + dp())).contains("dp installed io.robmqtt");
        awaitBundles("every bundle of the package active", bundles -> PACKAGE.stream()
                .allMatch(bsn -> bundles.stream().anyMatch(l -> l.startsWith("bundle " + bsn + " ")
                        && l.endsWith(" ACTIVE"))));
        assertThat(bundleLines()).as("no bundle left unresolved").noneMatch(l -> l.endsWith(" INSTALLED"));
        assertThat(bundleLines()).as("Kura's SLF4J and Bouncy Castle, not a second copy")
                .filteredOn(l -> l.startsWith("bundle slf4j.api ") || l.startsWith("bundle bcprov "))
                .containsExactlyInAnyOrder("bundle slf4j.api 1.7.36 ACTIVE", "bundle bcprov 1.78.1 ACTIVE");
    }

    @Test
    @Order(2)
    void beforeAnyConfigurationTheStoreOpensItsDatabaseInKurasDataDirectory() {
        Await.until("the store opened its default database under kura.data", Duration.ofSeconds(20),
                () -> Files.exists(kura.data.resolve("mqtt_client.db")), () -> ChildProcesses.read(kura.log));
        assertThat(ChildProcesses.read(kura.log)).contains("event=data_directory dir=" + kura.data);
    }

    @Test
    @Order(3)
    void kurasConfigurationsActivateTheComponentsAndTheMetatypeIsServed() {
        // Kura writes the store's configuration from the metatype's defaults once it sees its marker service
        assertThat(kura.run("kt:configure " + STORE)).contains("configured " + STORE);
        // the password as Kura's UI stores it, encrypted (by the stand-in CryptoService of the control bundle)
        assertThat(kura.run("kt:configureFactory " + CONNECTION + " robmqtt-kura connection.name=kura "
                + "client.id=kura-runtime-test broker.uris=" + broker.uri() + " min.backoff=0.1 max.backoff=1 "
                + "username=kura password=enc:kura-pw"))
                .contains("configured robmqtt-kura");
        Await.until("the connection connected (Kura's log)", Duration.ofSeconds(20),
                () -> ChildProcesses.read(kura.log).contains("event=connected connection=kura"),
                () -> ChildProcesses.read(kura.log));
        String components = kura.run("kt:components");
        // the connection's component is named by its factory PID
        // KuraSecrets active: the connection's attempt had its password decrypted through Kura's CryptoService
        for (String component : List.of("io.robmqtt.store.SqliteStore", "io.robmqtt.store.OfflineQueueService",
                "io.robmqtt.store.InflightService", CONNECTION, "io.robmqtt.kura.StoreInKura",
                "io.robmqtt.kura.ConnectionInKura", "io.robmqtt.kura.KuraSecrets")) {
            assertThat(components).as(components).contains("component " + component + " ACTIVE");
        }
        assertThat(components).as(components).doesNotContain("FAILED_ACTIVATION")
                .doesNotContain("UNSATISFIED_REFERENCE").doesNotContain("UNSATISFIED_CONFIGURATION");
        assertThat(kura.run("kt:metatype " + STORE)).contains("metatype " + STORE + " \"robmqtt store\"")
                .contains("db.path");
        assertThat(kura.run("kt:metatype " + CONNECTION)).contains("metatype " + CONNECTION + " ")
                .contains("client.id").contains("broker.uris");
    }

    @Test
    @Order(4)
    void anApplicationPublishesAtQos1AndItsWhiteboardListenerReceives() throws Exception {
        testApp = kura.installAndStart(testApp());
        assertThat(kura.run("app:publish kura-test/out/one hello-kura", Duration.ofSeconds(20)))
                .contains("acknowledged hello-kura in");
        subscriber.awaitAll(List.of("hello-kura"), Duration.ofSeconds(10));
        String ping = "ping-" + System.nanoTime();
        Await.until("the whiteboard listener is subscribed and receives", Duration.ofSeconds(20), () -> {
            if (!kura.lines("received kura-test/in/x " + ping).isEmpty()) {
                return true;
            }
            publish("kura-test/in/x", ping); // QoS 1, again until the subscription is in place
            return false;
        });
    }

    @Test
    @Order(5)
    void robmqttLogsIntoKurasLog4jFile() {
        String log = ChildProcesses.read(kura.log);
        assertThat(log).contains("i.r.s.Database - event=store_opened")
                .contains("i.r.c.ReconnectLoop - event=connected connection=kura broker=")
                .contains("client_id=kura-runtime-test");
    }

    @Test
    @Order(6)
    void anUpdateToTheNextVersionWhileTheApplicationPublishesLosesNothing() throws Exception {
        Path next = root.resolve("robmqtt-next.dp");
        NextPackageVersion.write(dp(), next, "0.1.1-update");
        assertThat(kura.run("kt:configure io.robmqtt.kura.testapp.stream topic=kura-test/stream"))
                .contains("configured");
        Await.until("the stream publishes", Duration.ofSeconds(10), () -> kura.lines("accepted ").size() >= 50);

        assertThat(kura.run("kt:install " + next, Duration.ofSeconds(40)))
                .contains("dp installed io.robmqtt 0.1.1.update");
        int acceptedAtUpdate = kura.lines("accepted ").size();
        awaitBundles("the package's bundles at the next version, active", bundles -> Stream.of("api", "store",
                "client", "kura").allMatch(b -> bundles.contains("bundle io.robmqtt." + b + " 0.1.1.update ACTIVE")));
        Await.until("the stream publishes again after the update", Duration.ofSeconds(20),
                () -> kura.lines("accepted ").size() >= acceptedAtUpdate + 50);
        assertThat(kura.run("kt:deleteConfiguration io.robmqtt.kura.testapp.stream")).contains("deleted");

        Set<String> accepted = kura.lines("accepted ").stream().map(l -> l.substring("accepted ".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        Await.until("the subscriber has every message publish() accepted", Duration.ofSeconds(30),
                () -> subscriber.hasAll(accepted), () -> missing(accepted));
        long runs = accepted.stream().map(p -> p.substring(0, p.indexOf('-'))).distinct().count();
        assertThat(runs).as("the stream was stopped by the update and started again after it").isGreaterThan(1);
        System.out.printf("update under load: %d accepted in %d runs of the stream, %d refused, %d duplicates%n",
                accepted.size(), runs, kura.lines("refused ").size(), subscriber.duplicates());
    }

    @Test
    @Order(7)
    void uninstallingThePackageRemovesEveryBundleItBrought() {
        assertThat(kura.run("felix:uninstall " + testApp)).doesNotContain("Exception");
        assertThat(kura.run("kt:uninstall io.robmqtt", Duration.ofSeconds(40))).contains("dp uninstalled io.robmqtt");
        awaitBundles("no bundle of the package or the application left", bundles -> Stream.concat(PACKAGE.stream(),
                Stream.of("io.robmqtt.kura.testapp"))
                .noneMatch(bsn -> bundles.stream().anyMatch(l -> l.startsWith("bundle " + bsn + " "))));
    }

    @Test
    @Order(8)
    void theJvmExitsAfterTheFrameworkStopsWhileConnectedAndNothingWasCreatedInTheWorkingDirectory()
            throws Exception {
        // installed again, the package finds its configurations and connects: the stop comes while connected,
        // when Paho's threads (its ping timer is not a daemon) could keep the JVM alive
        int connects = connects();
        assertThat(kura.run("kt:install " + dp(), Duration.ofSeconds(40))).contains("dp installed io.robmqtt");
        Await.until("the connection connected again", Duration.ofSeconds(30), () -> connects() > connects,
                () -> ChildProcesses.read(kura.log));
        kura.stopFramework();
        assertThat(kura.exited(Duration.ofSeconds(30))).as("the JVM exited within 30 s of the framework's stop; "
                + "console: " + ChildProcesses.read(kura.console)).isTrue();
        assertThat(kura.exitValue()).isZero();
        assertThat(files(kura.home)).as("what the run created in the working directory (kura.home)")
                .isEqualTo(workingDirectoryAtStart);
    }

    private int connects() {
        return ChildProcesses.read(kura.log).split("event=connected connection=kura", -1).length - 1;
    }

    /** The run's console and Log4j file, kept in target/kura-runtime-logs for whoever reads a failure. */
    private void keepLogs() throws IOException {
        Path logs = Files.createDirectories(Path.of("target/kura-runtime-logs"));
        for (Path log : List.of(root.resolve("console.log"), root.resolve("log/kura.log"))) {
            if (Files.exists(log)) {
                Files.copy(log, logs.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private Path dp() {
        return Path.of(System.getProperty("dp.file", "../target/robmqtt-0.1.0-SNAPSHOT.dp")).toAbsolutePath();
    }

    private static Path testApp() throws IOException {
        Path dir = Path.of(System.getProperty("testapp.dir", "target/kura-runtime/app"));
        try (Stream<Path> jars = Files.list(dir)) {
            return jars.filter(j -> j.toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new IOException("no test application bundle in " + dir)).toAbsolutePath();
        }
    }

    private List<String> bundleLines() {
        return kura.run("kt:bundles").lines().map(l -> l.replace("g! ", "").strip())
                .filter(l -> l.startsWith("bundle ")).toList();
    }

    /** Waits until the lines of kt:bundles ({@code bundle BSN VERSION STATE}) meet the condition. */
    private void awaitBundles(String description, java.util.function.Predicate<List<String>> condition) {
        List<List<String>> seen = new java.util.ArrayList<>(List.of(List.of()));
        Await.until(description, Duration.ofSeconds(30), () -> {
            seen.set(0, bundleLines());
            return condition.test(seen.get(0));
        }, () -> String.join("\n", seen.get(0)));
    }

    private void publish(String topic, String payload) {
        try {
            subscriber.publish(topic, payload, 1);
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            throw new IllegalStateException("the test's client could not publish to " + broker.uri(), e);
        }
    }

    private String missing(Set<String> accepted) {
        Set<String> missing = new TreeSet<>(accepted);
        missing.removeAll(subscriber.received());
        return missing.size() + " of " + accepted.size() + " missing, e.g. "
                + missing.stream().limit(10).toList();
    }

    /** Every path under {@code dir}, relative to it. */
    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
