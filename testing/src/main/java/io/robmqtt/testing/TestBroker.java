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
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real broker process of the test's own, on a free port of 127.0.0.1, that the test can stop, SIGKILL and
 * restart on the same port: Mosquitto where it is installed (.ci/run installs it), otherwise Moquette from the
 * broker module's jar in a child JVM. The broker matrix also starts RabbitMQ ({@link RabbitMqNode}), Artemis and
 * HiveMQ (child JVMs from brokers/). Tests that need Mosquitto's own features (TLS listeners, password files,
 * $SYS topics) ask for it with {@link #startMosquitto} and are skipped, saying why, where it is missing.
 */
public final class TestBroker implements AutoCloseable {
    private final String kind;
    private final List<String> command;
    private final Map<String, String> environment;
    /** Asks the broker to stop before it is sent SIGTERM (rabbitmqctl stop), or empty. */
    private final List<String> stopCommand;
    private final Path dir;
    private final int port;
    /** A line the broker prints once it serves clients, or null where accepting connections means that. */
    private final String readyLine;
    private Process process;

    /** A broker process of this kind on 127.0.0.1:port, run in (and logging to) dir, which close() deletes. */
    TestBroker(String kind, Path dir, int port, List<String> command, Map<String, String> environment,
            List<String> stopCommand, String readyLine) {
        this.kind = kind;
        this.dir = dir;
        this.port = port;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.stopCommand = List.copyOf(stopCommand);
        this.readyLine = readyLine;
    }

    private static TestBroker mosquitto(Path executable, Path dir, int port, String... listenerLines)
            throws IOException {
        Path config = dir.resolve("mosquitto-" + port + ".conf");
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
        return new TestBroker("mosquitto", dir, port, List.of(executable.toString(), "-c", config.toString()),
                Map.of(), List.of(), null);
    }

    /**
     * A broker of the broker module or of brokers/ in a child JVM: {@code java -jar JAR PORT}, anonymous, in
     * memory, on 127.0.0.1:port. Such a JVM accepts connections a moment before it serves them (a freshly started
     * Moquette dropped a test's subscriber at subscribe): it prints this line once its broker has started.
     */
    private static TestBroker javaBroker(String kind, Path jar, Path dir, int port) {
        return new TestBroker(kind, dir, port, List.of(ChildProcesses.java(), "-Xmx256m", "-jar", jar.toString(),
                Integer.toString(port)), Map.of(), List.of(), "listening on 127.0.0.1:" + port);
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
        return startJavaBroker("moquette", jar);
    }

    /** Apache ActiveMQ Artemis (MQTT acceptor only) from brokers/artemis, in a child JVM. */
    public static TestBroker startArtemis() throws IOException {
        return startJavaBroker("artemis", ChildProcesses.jar("robmqtt.broker.artemis.jar",
                "build brokers/artemis first (mvn install -pl brokers/artemis -am)"));
    }

    /** HiveMQ Community Edition, embedded, from brokers/hivemq, in a child JVM. */
    public static TestBroker startHiveMq() throws IOException {
        return startJavaBroker("hivemq", ChildProcesses.jar("robmqtt.broker.hivemq.jar",
                "build brokers/hivemq first (mvn install -pl brokers/hivemq -am)"));
    }

    private static TestBroker startJavaBroker(String kind, Path jar) throws IOException {
        return started(javaBroker(kind, jar, Files.createTempDirectory("robmqtt-broker"), freePort()));
    }

    /**
     * Mosquitto, whose listener has these extra lines (TLS files, require_certificate, password_file, ...).
     * Skips the test where Mosquitto is not installed: Moquette has none of these features in the same form.
     */
    public static TestBroker startMosquitto(String... listenerLines) throws IOException {
        Path executable = find();
        assumeTrue(executable != null, "this test needs Mosquitto itself (TLS listener, password file or $SYS "
                + "topics), which is not installed: apt-get install mosquitto (.ci/run installs it)");
        return started(mosquitto(executable, Files.createTempDirectory("robmqtt-broker"), freePort(),
                listenerLines));
    }

    /** Starts the broker; on failure stops what was started and deletes its directory. */
    static TestBroker started(TestBroker broker) throws IOException {
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
        return "mosquitto".equals(kind);
    }

    /** mosquitto, moquette, rabbitmq, artemis or hivemq. */
    public String kind() {
        return kind;
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
        Path log = dir.resolve("broker-" + port + ".log");
        long logBefore = Files.exists(log) ? Files.size(log) : 0; // a restart appends to the same log
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        // Alive as well as accepting: another program on the port must not pass for our broker.
        Await.until(command.get(0) + " listens on 127.0.0.1:" + port + " (log: " + log + ")", Duration.ofSeconds(60),
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

    /** SIGKILL (of the process and what it started): the broker loses whatever it held in memory. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
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
            TempDirs.delete(dir);
        }
    }

    private void stopProcess() {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (!stopCommand.isEmpty()) {
            runStopCommand();
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        ChildProcesses.stop(process);
        descendants.forEach(ProcessHandle::destroyForcibly); // what survived its parent's SIGTERM
    }

    /** Asks the broker to stop, for up to 60 s; SIGTERM and SIGKILL follow whatever it answers. */
    private void runStopCommand() {
        ProcessBuilder builder = new ProcessBuilder(stopCommand).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stop.log").toFile()));
        builder.environment().putAll(environment);
        try {
            Process stop = builder.start();
            if (!stop.waitFor(60, TimeUnit.SECONDS)) {
                stop.destroyForcibly();
            }
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            System.err.println("could not run " + stopCommand + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
