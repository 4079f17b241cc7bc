package io.robmqtt.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A RabbitMQ node of the test's own with its MQTT plugin: its own node name, its own free loopback ports (AMQP,
 * Erlang distribution, MQTT), its own configuration, plugins file, Erlang cookie, database and logs in a
 * temporary directory. It never touches a node the machine runs as a service, nor port 1883; it shares the
 * machine's epmd, which every node on a host does. Stopped with {@code rabbitmqctl stop}, then SIGTERM and SIGKILL.
 */
public final class RabbitMqNode {
    /** Debian's scripts; the ones in /usr/sbin switch to the rabbitmq user, which could not read our directory. */
    private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");

    private RabbitMqNode() {}

    /** Starts a node; skips the test where RabbitMQ is not installed (.ci/run installs rabbitmq-server). */
    public static TestBroker start() throws IOException {
        assumeTrue(Files.isExecutable(BIN.resolve("rabbitmq-server")), "RabbitMQ is not installed ("
                + BIN.resolve("rabbitmq-server") + "): apt-get install rabbitmq-server (.ci/run installs it)");
        Path dir = Files.createTempDirectory("robmqtt-rabbitmq");
        int mqttPort = TestBroker.freePort();
        String node = "robmqtt-itest-" + mqttPort + "@localhost";
        Files.writeString(dir.resolve("rabbitmq.conf"), String.join("\n",
                "mqtt.listeners.tcp.1 = 127.0.0.1:" + mqttPort,
                "mqtt.allow_anonymous = true",
                ""));
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_mqtt].\n");
        writeCookie(dir.resolve(".erlang.cookie"));
        Map<String, String> environment = Map.ofEntries(
                Map.entry("HOME", dir.toString()), // where both the node and rabbitmqctl read the cookie
                Map.entry("RABBITMQ_NODENAME", node),
                Map.entry("RABBITMQ_USE_LONGNAME", "false"),
                Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"),
                Map.entry("RABBITMQ_NODE_PORT", Integer.toString(TestBroker.freePort())),
                Map.entry("RABBITMQ_DIST_PORT", Integer.toString(TestBroker.freePort())),
                Map.entry("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString()),
                Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString()),
                Map.entry("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString()),
                Map.entry("RABBITMQ_LOG_BASE", dir.resolve("log").toString()),
                Map.entry("RABBITMQ_PID_FILE", dir.resolve("node.pid").toString()));
        return TestBroker.started(new TestBroker("rabbitmq", dir, mqttPort,
                List.of(BIN.resolve("rabbitmq-server").toString()), environment,
                List.of(BIN.resolve("rabbitmqctl").toString(), "-n", node, "stop"), null));
    }

    /** A random cookie, owner-only as Erlang requires; it is never printed. */
    private static void writeCookie(Path file) throws IOException {
        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        Files.writeString(file, HexFormat.of().formatHex(secret).toUpperCase(java.util.Locale.ROOT));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    }
}
