package io.robmqtt.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.TempDirs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The container's entrypoint, deploy/entrypoint.sh, run as a plain process in a directory laid out as the image
 * lays out /opt/robmqtt (there is no container engine here): the Web Console is served on loopback only, the
 * probes listener on every interface serves the probes and nothing else, and the script hands its process to
 * java. Which address a listener is bound to is read from the kernel's socket table; requests go to loopback
 * only.
 */
class EntrypointTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path deploy = Path.of(System.getProperty("robmqtt.deploy.dir", ".")).toAbsolutePath();
    private Path dir;
    private Process gateway;

    @BeforeEach
    void layOut() throws IOException {
        Path jar = ChildProcesses.jar("robmqtt.gateway.jar", "mvn -B install -DskipTests builds it");
        dir = Files.createTempDirectory("robmqtt-entrypoint");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        try (var shipped = Files.list(Path.of(System.getProperty("robmqtt.conf.dir", "../conf")))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, conf.resolve(file.getFileName()));
            }
        }
        // as the Dockerfile does: the connection takes its broker and client id from the environment
        Files.writeString(conf.resolve("io.robmqtt.connection-default.cfg"), "connection.name = default\n");
        for (String d : List.of("data", "logs", "run", "secrets")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.createSymbolicLink(dir.resolve("gateway.jar"), jar);
        Files.copy(deploy.resolve("entrypoint.sh"), dir.resolve("entrypoint.sh"));
        Path containerConf = Files.createDirectories(dir.resolve("container-conf"));
        Files.copy(deploy.resolve("conf/org.apache.felix.http-probes.cfg"), containerConf.resolve("org.apache.felix.http-probes.cfg"));
    }

    @AfterEach
    void stop() {
        ChildProcesses.stop(gateway);
        TempDirs.delete(dir);
    }

    @Test
    void theConsoleIsOnLoopbackAndTheProbesListenerServesOnlyTheProbes() throws Exception {
        int http = freePort();
        int probes = freePort();
        gateway = start(Map.of("ROBMQTT_HTTP_PORT", String.valueOf(http), "ROBMQTT_PROBES_PORT", String.valueOf(probes)));
        awaitLive(probes);
        awaitConsole(http); // before asking the probes listener for it: a 404 before it exists would prove nothing

        assertThat(ProcessHandle.of(gateway.pid()).orElseThrow().info().command().orElse(""))
                .as("the script's process is java itself (exec), so SIGTERM reaches it").endsWith("/java");
        assertThat(listening(http)).as("the main listener, with the Web Console").isEqualTo("loopback");
        assertThat(listening(probes)).as("the probes listener").isEqualTo("every interface");

        assertThat(status(probes, "/health/live")).isEqualTo(200);
        assertThat(status(probes, "/health/ready")).as("not connected: no broker").isEqualTo(503);
        assertThat(status(probes, "/metrics")).isEqualTo(200);
        for (String path : List.of("/system/console", "/system/console/bundles", "/system/console/configMgr",
                "/health/../system/console", "/")) {
            assertThat(status(probes, path)).as("the probes listener serves " + path).isEqualTo(404);
        }
        assertThat(status(http, "/health/live")).isEqualTo(200);

        Path password = dir.resolve("secrets/console-password");
        assertThat(Files.readString(password)).as("a random console password").hasSizeGreaterThanOrEqualTo(16);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(password))).isEqualTo("rw-------");

        gateway.destroy();
        assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).as("stopped by SIGTERM").isTrue();
        assertThat(gateway.exitValue()).as("exit code after SIGTERM").isIn(0, 143);
    }

    @Test
    void theConsoleGoesOnTheNetworkOnlyWhenAskedAndStaysLockedWithoutAPassword() throws Exception {
        int http = freePort();
        int probes = freePort();
        // secrets/ that cannot take a file, as a read-only Secret mount without console-password
        Files.delete(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets"), "");
        gateway = start(Map.of("ROBMQTT_HTTP_PORT", String.valueOf(http), "ROBMQTT_PROBES_PORT",
                String.valueOf(probes), "ROBMQTT_CONSOLE_HOST", "0.0.0.0"));
        awaitLive(probes);
        awaitConsole(http); // locked: 401 with any password, as without one
        assertThat(listening(http)).as("the main listener, opted in").isEqualTo("every interface");
        assertThat(ChildProcesses.read(dir.resolve("console.log")))
                .contains("no secrets/console-password and secrets/ is not writable: the Web Console stays locked");
    }

    private Process start(Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("sh", "./entrypoint.sh").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("console.log").toFile());
        builder.environment().putAll(environment);
        builder.environment().put("PATH", Path.of(ChildProcesses.java()).getParent() + File.pathSeparator
                + System.getenv("PATH"));
        builder.environment().put("MQTT_CLIENT_ID", "entrypoint-test");
        builder.environment().put("MQTT_BROKER_HOST", "127.0.0.1");
        builder.environment().put("MQTT_BROKER_PORT", String.valueOf(freePort())); // nothing listens: offline
        builder.environment().put("JAVA_OPTS", "-Xmx128m");
        return builder.start();
    }

    private void awaitLive(int probes) {
        Await.until("the gateway answers /health/live on its probes listener", Duration.ofSeconds(90),
                () -> gateway.isAlive() && status(probes, "/health/live") == 200,
                () -> "console: " + ChildProcesses.read(dir.resolve("console.log")));
    }

    /** Waits until the Web Console answers on the main listener, asking for a login. */
    private void awaitConsole(int http) {
        Await.until("the Web Console asks for a login on the main listener", Duration.ofSeconds(60),
                () -> status(http, "/system/console/bundles") == 401,
                () -> "status " + status(http, "/system/console/bundles"));
    }

    /** The HTTP status of a GET on loopback; 0 where nothing answers. */
    private static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Where a listening TCP socket on {@code port} is bound, from /proc/net/tcp and tcp6: "loopback",
     * "every interface", or "none". Java's sockets are usually IPv6 ones that take IPv4 too.
     */
    private static String listening(int port) throws IOException {
        String suffix = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 3 && fields[1].endsWith(suffix) && fields[3].equals("0A")) { // 0A: LISTEN
                    String address = fields[1].substring(0, fields[1].length() - suffix.length());
                    if (address.chars().allMatch(c -> c == '0')) {
                        return "every interface";
                    }
                    if (address.equals("0100007F") || address.endsWith("FFFF00000100007F")
                            || address.equals("00000000000000000000000001000000")) {
                        return "loopback";
                    }
                    return "another address: " + address;
                }
            }
        }
        return "none";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
