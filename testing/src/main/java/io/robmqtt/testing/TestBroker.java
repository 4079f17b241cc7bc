package io.robmqtt.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real broker process of the test's own, on a free port of 127.0.0.1, that the test can stop, SIGKILL and
 * restart on the same port: Mosquitto where it is installed (.ci/run installs it), otherwise Moquette from the
 * broker module's jar in a child JVM. Tests that need Mosquitto's own features (TLS listeners, password files,
 * $SYS topics) ask for it with {@link #startMosquitto} and are skipped, saying why, where it is missing.
 */
public final class TestBroker implements AutoCloseable {
    private final List<String> command;
    private final Path config;
    private final int port;
    /** A line the broker prints once it serves clients, or null where accepting connections means that. */
    private final String readyLine;
    private Process process;

    private TestBroker(Path executable, Path dir, int port, String... listenerLines) throws IOException {
        this.port = port;
        this.readyLine = null;
        this.command = List.of(executable.toString(), "-c", dir.resolve("mosquitto-" + port + ".conf").toString());
        this.config = Path.of(command.get(2));
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

    /** A Moquette broker process: anonymous, in memory, on 127.0.0.1:port. */
    private TestBroker(Path moquetteJar, Path dir, int port) {
        this.port = port;
        // Moquette accepts connections a moment before it serves them, and drops a client that comes in that
        // moment (a test's subscriber saw "Connection lost" at subscribe). Our launcher prints this line once
        // Moquette's start has returned.
        this.readyLine = "listening on 127.0.0.1:" + port;
        this.config = dir.resolve("moquette-" + port + ".conf");
        this.command = List.of(ChildProcesses.java(), "-Xmx256m", "-jar", moquetteJar.toString(),
                Integer.toString(port));
    }

    /**
     * Mosquitto where installed, else Moquette; skips the test where neither can run. The environment variable
     * {@code ROBMQTT_ITEST_BROKER=moquette} picks Moquette even where Mosquitto is installed.
     */
    public static TestBroker start() throws IOException {
        if (find() != null && !"moquette".equals(System.getenv("ROBMQTT_ITEST_BROKER"))) {
            return startMosquitto();
        }
        return startMoquette();
    }

    /** Moquette, from the broker module's jar, in a child JVM; skips the test where that jar is not built. */
    public static TestBroker startMoquette() throws IOException {
        Path jar = Path.of(System.getProperty("robmqtt.broker.jar", "../broker/target/robmqtt-broker.jar"));
        assumeTrue(Files.isRegularFile(jar), "neither mosquitto nor the broker module's Moquette jar (" + jar
                + ") is here: install mosquitto, or build the broker module first (mvn install)");
        return started(new TestBroker(jar, Files.createTempDirectory("robmqtt-broker"), freePort()));
    }

    /**
     * Mosquitto, whose listener has these extra lines (TLS files, require_certificate, password_file, ...).
     * Skips the test where Mosquitto is not installed: Moquette has none of these features in the same form.
     */
    public static TestBroker startMosquitto(String... listenerLines) throws IOException {
        Path executable = find();
        assumeTrue(executable != null, "this test needs Mosquitto itself (TLS listener, password file or $SYS "
                + "topics), which is not installed: apt-get install mosquitto (.ci/run installs it)");
        return started(new TestBroker(executable, Files.createTempDirectory("robmqtt-broker"), freePort(),
                listenerLines));
    }

    /** Starts the broker; on failure stops what was started and deletes its directory. */
    private static TestBroker started(TestBroker broker) throws IOException {
        try {
            broker.startProcess();
            return broker;
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
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

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public boolean isMosquitto() {
        return config.getFileName().toString().startsWith("mosquitto");
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public String tlsUri() {
        return "ssl://127.0.0.1:" + port;
    }

    public void startProcess() throws IOException {
        Path log = config.resolveSibling("broker-" + port + ".log");
        long logBefore = Files.exists(log) ? Files.size(log) : 0; // a restart appends to the same log
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // Alive as well as accepting: another program on the port must not pass for our broker.
        Await.until(command.get(0) + " listens on 127.0.0.1:" + port + " (log: " + log + ")", Duration.ofSeconds(30),
                () -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(command.get(0) + " exited with " + process.exitValue()
                                + " before listening on " + port + " (log: " + log + ")");
                    }
                    return accepting() && (readyLine == null || printedSince(log, logBefore, readyLine));
                });
    }

    private static boolean printedSince(Path log, long offset, String line) {
        try {
            String text = Files.readString(log);
            return text.indexOf(line, (int) Math.min(offset, text.length())) >= 0;
        } catch (IOException e) {
            return false; // not written yet
        }
    }

    /** SIGKILL: the broker loses whatever it held in memory. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
        Await.until("port " + port + " is closed", Duration.ofSeconds(20), () -> !accepting());
    }

    private boolean accepting() {
        return accepting(port);
    }

    /** Whether something accepts connections on 127.0.0.1:port. */
    public static boolean accepting(int port) {
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
        ChildProcesses.stop(process);
    }
}
