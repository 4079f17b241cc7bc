package io.robmqtt.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A Moquette broker from the broker module's jar, in a JVM of its own, on a free port of 127.0.0.1. */
final class BrokerProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private BrokerProcess(Path jar, Path dir, int port) throws IOException {
        this.dir = dir;
        this.port = port;
        this.process = new ProcessBuilder(ChildProcesses.java(), "-Xmx256m", "-jar", jar.toString(),
                Integer.toString(port)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
    }

    /** Starts a broker and waits until it accepts connections; skips the test where the jar is not built. */
    static BrokerProcess start() throws IOException {
        Path jar = Path.of(System.getProperty("robmqtt.broker.jar", "../broker/target/robmqtt-broker.jar"));
        assumeTrue(Files.isRegularFile(jar), "the broker jar " + jar + " is missing: build it first with "
                + "mvn -B -q install -DskipTests (module broker)");
        Path dir = Files.createTempDirectory("robmqtt-e2e-broker");
        BrokerProcess broker = new BrokerProcess(jar.toAbsolutePath(), dir, freePort());
        try {
            Await.until("the broker listens on 127.0.0.1:" + broker.port, Duration.ofSeconds(30), broker::accepting,
                    broker::log);
        } catch (AssertionError e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String log() {
        try {
            return "broker log: " + Files.readString(dir.resolve("broker.log")).strip();
        } catch (IOException e) {
            return "no broker log: " + e;
        }
    }

    @Override
    public void close() {
        try {
            ChildProcesses.stop(process);
        } finally {
            TempDirs.delete(dir);
        }
    }
}
