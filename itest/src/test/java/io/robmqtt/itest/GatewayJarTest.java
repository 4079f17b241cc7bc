package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.Subscriber;
import io.robmqtt.testing.TempDirs;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exported gateway jar starts as a user starts it, in a JVM of its own with a conf/ folder: the store
 * opens the configured database, the connection reaches the broker, and the Web Console shows the store's
 * configuration with its names and descriptions.
 */
class GatewayJarTest {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @Test
    void theExportedGatewayStartsConnectsAndShowsItsConfigurationInTheWebConsole() throws Exception {
        Path jar = jar();
        Path dir = Files.createTempDirectory("robmqtt-gateway");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
        Files.writeString(conf.resolve("io.robmqtt.connection-default.cfg"),
                "client.id = gateway-jar-test\nbroker.port = " + broker.port() + "\nbroker.host = 127.0.0.1\n");
        String consoleLogin = "org.apache.felix.webconsole.internal.servlet.OsgiManager.cfg"; // as shipped
        Files.copy(Path.of(System.getProperty("robmqtt.repo"), "conf", consoleLogin), conf.resolve(consoleLogin));
        String password = "pw-" + System.nanoTime();
        Files.writeString(Files.createDirectories(dir.resolve("secrets")).resolve("console-password"), password);
        int http = TestBroker.freePort();
        Path log = dir.resolve("gateway.log");
        Process gateway = ChildProcesses.startJar(jar, dir, "gateway.log", http);
        try {
            Await.until("the gateway connected to the broker", Duration.ofSeconds(60),
                    () -> ChildProcesses.contains(log, "event=connected connection=default"));
            Await.until("the store opened the configured database", Duration.ofSeconds(20),
                    () -> Files.exists(dir.resolve("data/robmqtt.db")));
            assertThat(dir.resolve("mqtt_client.db")).as("no database at the default path").doesNotExist();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    dir.resolve("run/felix-cache")))).as("the framework storage, with ConfigAdmin's files")
                    .isEqualTo("rwx------");
            String store = "http://127.0.0.1:" + http + "/system/console/configMgr/io.robmqtt.store";
            assertThat(status(store, "admin")).as("admin/admin is refused").isEqualTo(401);
            String form = get(store, password);
            assertThat(form).contains("robmqtt store").contains("Database path").contains("Maximum queue size");
            assertThat(ChildProcesses.contains(log, "ERROR")).as("no ERROR in the gateway's log").isFalse();
            assertThat(Files.readString(conf.resolve("io.robmqtt.connection-default.cfg")))
                    .as("the gateway leaves its configuration files as they were").contains("client.id");
        } finally {
            ChildProcesses.stop(gateway);
            TempDirs.delete(dir);
        }
    }

    @Test
    void theGatewayWritesRotatingOwnerOnlyLogFilesJsonLinesAndOsgiLogEntries() throws Exception {
        Path jar = jar();
        Path dir = Files.createTempDirectory("robmqtt-gateway-logs");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
        Files.writeString(conf.resolve("io.robmqtt.logging.cfg"), "log.dir = logs\nlog.max.bytes = 20000\n"
                + "log.backup.count = 2\nmetrics.interval.seconds = 1\n");
        // nothing listens on this port: a connect failure every 50 ms fills the log
        Files.writeString(conf.resolve("io.robmqtt.connection-default.cfg"), "client.id = gateway-log-test\n"
                + "broker.host = 127.0.0.1\nbroker.port = " + TestBroker.freePort() + "\nmin.backoff = 0.05\n"
                + "max.backoff = 0.05\n");
        // no client.id: SCR reports the failed activation through the OSGi Log service
        Files.writeString(conf.resolve("io.robmqtt.connection-broken.cfg"), "connection.name = broken\n");
        Process gateway = ChildProcesses.startJar(jar, dir, "console.log", TestBroker.freePort());
        Path logs = dir.resolve("logs");
        try {
            Await.until("SCR's OSGi Log entry about the broken connection reached the log files", Duration.ofSeconds(60),
                    () -> java.util.stream.Stream.of("robmqtt.log", "robmqtt.log.1", "robmqtt.log.2")
                            .anyMatch(f -> ChildProcesses.contains(logs.resolve(f), "Error during instantiation of the implementation")));
            Await.until("robmqtt.log rotated twice", Duration.ofSeconds(60),
                    () -> Files.exists(logs.resolve("robmqtt.log.2")));
            Await.until("metrics in the JSON lines", Duration.ofSeconds(30),
                    () -> ChildProcesses.contains(logs.resolve("robmqtt-metrics.jsonl"), "queue_depth"));
        } finally {
            ChildProcesses.stop(gateway);
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(logs)))
                .isEqualTo("rwx------");
        assertThat(logs.resolve("robmqtt.log.3")).as("no more than log.backup.count backups").doesNotExist();
        for (String name : new String[] {"robmqtt.log.1", "robmqtt.log.2"}) {
            assertThat(Files.size(logs.resolve(name))).as(name).isBetween(20_000L, 20_000L + 4_096);
        }
        String all = Files.readString(logs.resolve("robmqtt.log")) + Files.readString(logs.resolve("robmqtt.log.1"))
                + Files.readString(logs.resolve("robmqtt.log.2"));
        assertThat(all).contains("level=WARN logger=ReconnectLoop").contains("event=connect_failed");
        List<String> lines = Files.readAllLines(logs.resolve("robmqtt-metrics.jsonl"));
        assertThat(lines).isNotEmpty().allSatisfy(line ->
                assertThat(com.google.gson.JsonParser.parseString(line).isJsonObject()).as(line).isTrue());
        // the fields of a metric line travel in the MDC (SLF4J 1.7's API, which Kura's SLF4J also has)
        assertThat(lines).anySatisfy(line -> {
            com.google.gson.JsonObject mdc = com.google.gson.JsonParser.parseString(line).getAsJsonObject()
                    .getAsJsonObject("mdc");
            assertThat(mdc).as(line).isNotNull();
            assertThat(mdc.get("metric").getAsString()).isEqualTo("queue_depth");
            assertThat(mdc.has("value") && mdc.has("connection")).as(line).isTrue();
        });
        assertThat(Files.readString(dir.resolve("console.log"))).contains("client.id is required");
        TempDirs.delete(dir);
    }

    @Test
    void whatWasInflightWhenTheGatewayWasKilledIsSentAfterItStartsAgainOnTheSameStorage() throws Exception {
        Path jar = jar();
        String topic = "itest/restart-" + System.nanoTime();
        FaultyLink link = broker.link();
        try (Subscriber subscriber = new Subscriber(broker.uri(), topic + "/#")) {
            Path dir = Files.createTempDirectory("robmqtt-gateway-restart");
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
            Files.writeString(conf.resolve("io.robmqtt.connection-default.cfg"), "client.id = gateway-restart-test\n"
                    + "broker.uris = " + link.uri() + "\nmin.backoff = 0.1\nmax.backoff = 0.5\nkeepalive = 60\n");
            Process first = ChildProcesses.startJar(jar, dir, "first.log", TestBroker.freePort());
            List<String> sent = new java.util.ArrayList<>();
            try {
                Await.until("the first gateway connected", Duration.ofSeconds(60),
                        () -> ChildProcesses.contains(dir.resolve("first.log"), "event=connected connection=default"));
                try (var console = new java.io.PrintWriter(first.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    // Once a message got through, the connection is live: the next ones go straight out with a
                    // durable inflight record each. (Drained from the queue, their move to inflight could still
                    // be uncommitted when the JVM is killed, and they would come back through the queue.)
                    console.println("robmqtt:publish default " + topic + "/m warm-up 1 1");
                    subscriber.awaitAll(List.of("warm-up"), Duration.ofSeconds(30));
                    long[] asked = {0};
                    Await.until("the warm-up message acknowledged", Duration.ofSeconds(30), () -> {
                        if (System.nanoTime() - asked[0] > 200_000_000L) { // ask again at most every 200 ms
                            console.println("robmqtt:status");
                            asked[0] = System.nanoTime();
                        }
                        return ChildProcesses.contains(dir.resolve("first.log"), "inflight 0,");
                    });
                    link.silenceOpenConnections(); // sent from now on, never acknowledged
                    for (int i = 0; i < 20; i++) {
                        console.println("robmqtt:publish default " + topic + "/m inflight-" + i + " 1 1");
                        sent.add("inflight-" + i);
                    }
                    console.println("robmqtt:status");
                    Await.until("20 messages inflight in the first gateway", Duration.ofSeconds(30),
                            () -> ChildProcesses.contains(dir.resolve("first.log"), "inflight 20,"));
                }
            } finally {
                first.destroyForcibly(); // kill -9: no clean stop, no close of the database
                first.waitFor(20, TimeUnit.SECONDS);
            }
            assertThat(subscriber.received()).as("nothing got through the silent link").containsExactly("warm-up");

            Process second = ChildProcesses.startJar(jar, dir, "second.log", TestBroker.freePort());
            try {
                subscriber.awaitAll(sent, Duration.ofSeconds(60));
                assertThat(ChildProcesses.contains(dir.resolve("second.log"), "event=inflight_resent connection=default messages=20"))
                        .isTrue();
            } finally {
                ChildProcesses.stop(second);
                TempDirs.delete(dir);
            }
        }
    }

    @Test
    void theLauncherEndsAGatewayThatRunsOutOfMemorySoThatItsSupervisorRestartsIt() throws Exception {
        jar(); // ./gateway runs the built jar
        Path launcher = Path.of(System.getProperty("robmqtt.repo"), "gateway");
        Path dir = Files.createTempDirectory("robmqtt-gateway-oom");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
        ProcessBuilder command = new ProcessBuilder("bash", launcher.toString(), "run", "--conf", conf.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("console.log").toFile());
        command.environment().put("JAVA_TOOL_OPTIONS", "-Xmx64m -Dorg.osgi.service.http.port=" + TestBroker.freePort());
        Process gateway = command.start();
        try {
            Await.until("the gateway opened its store", Duration.ofSeconds(60),
                    () -> ChildProcesses.contains(dir.resolve("console.log"), "event=store_opened"));
            try (var console = new java.io.PrintWriter(gateway.getOutputStream(), true, StandardCharsets.UTF_8)) {
                console.println("l = (new java.util.ArrayList)");
                console.println("$l ensureCapacity 200000000"); // 800 MB of references in a 64 MB heap
                assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended after running out of memory")
                        .isTrue();
            }
            assertThat(gateway.exitValue()).as("ExitOnOutOfMemoryError's exit code").isEqualTo(3);
            assertThat(Files.readString(dir.resolve("console.log")))
                    .contains("Terminating due to java.lang.OutOfMemoryError");
        } finally {
            ChildProcesses.stop(gateway);
            TempDirs.delete(dir);
        }
    }

    private static Path jar() {
        return ChildProcesses.jar("robmqtt.gateway.jar", "the bndrun module builds it before this one");
    }

    private static String get(String url, String password) throws IOException {
        HttpURLConnection connection = post(url, password);
        assertThat(connection.getResponseCode()).isEqualTo(200);
        return new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static int status(String url, String password) throws IOException {
        return post(url, password).getResponseCode();
    }

    private static HttpURLConnection post(String url, String password) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod("POST"); // the Web Console answers a configuration's form as JSON to a POST
        connection.setRequestProperty("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)));
        return connection;
    }
}
