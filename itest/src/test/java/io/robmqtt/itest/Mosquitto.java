package io.robmqtt.itest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto broker process of the test's own, on a free port of 127.0.0.1, that the test can stop,
 * SIGKILL and restart on the same port. Skips the test, saying why, where Mosquitto is not installed
 * (.ci/run installs it).
 */
final class Mosquitto implements AutoCloseable {
    private final Path executable;
    private final Path config;
    private final int port;
    private Process process;

    private Mosquitto(Path executable, Path dir, int port, String... listenerLines) throws IOException {
        this.executable = executable;
        this.port = port;
        this.config = dir.resolve("mosquitto-" + port + ".conf");
        boolean ownAuth = String.join("\n", listenerLines).contains("allow_anonymous");
        Files.writeString(config, String.join("\n",
                "per_listener_settings false",
                "listener " + port + " 127.0.0.1",
                String.join("\n", listenerLines),
                ownAuth ? "" : "allow_anonymous true",
                "persistence false",
                "max_queued_messages 1000000",
                "max_inflight_messages 100",
                "set_tcp_nodelay true",
                "sys_interval 1",
                "log_type error",
                ""));
    }

    static Mosquitto start() throws IOException {
        return start(new String[0]);
    }

    /** A broker whose listener has these extra lines (TLS files, require_certificate, password_file, ...). */
    static Mosquitto start(String... listenerLines) throws IOException {
        Path executable = find();
        assumeTrue(executable != null, "mosquitto is not installed (apt-get install mosquitto); .ci/run installs it");
        Mosquitto broker = new Mosquitto(executable, Files.createTempDirectory("robmqtt-broker"), freePort(),
                listenerLines);
        broker.startProcess();
        return broker;
    }

    private static Path find() {
        for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"}) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    String tlsUri() {
        return "ssl://127.0.0.1:" + port;
    }

    void startProcess() throws IOException {
        process = new ProcessBuilder(executable.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(config.resolveSibling("mosquitto-" + port + ".log").toFile())
                .start();
        Await.until("mosquitto listens on 127.0.0.1:" + port + " (log: " + config.resolveSibling("mosquitto-" + port
                + ".log") + ")", Duration.ofSeconds(20), this::accepting);
    }

    /** SIGKILL: the broker loses whatever it held in memory. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
        Await.until("port " + port + " is closed", Duration.ofSeconds(20), () -> !accepting());
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            stopProcess();
        } finally {
            TempDirs.delete(config.getParent());
        }
    }

    private void stopProcess() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
