package io.robmqtt.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/** The loopback broker jar run as a child JVM, so that stopping it is what a real broker outage looks like. */
final class BrokerProcess {
    private static final long START_TIMEOUT_MS = 30_000;

    private final Path jar;
    private final Path log;
    private final int port;
    private Process process;

    private BrokerProcess(Path jar, Path log, int port) {
        this.jar = jar;
        this.log = log;
        this.port = port;
    }

    /** Unpacks the broker jar that this bundle carries into {@code dir}, choosing the port. */
    static BrokerProcess unpack(InputStream brokerJar, Path dir, int wantedPort) throws IOException {
        Path jar = dir.resolve("robmqtt-broker.jar");
        Files.copy(brokerJar, jar, StandardCopyOption.REPLACE_EXISTING);
        int port = wantedPort != 0 && isFree(wantedPort) ? wantedPort : freePort();
        return new BrokerProcess(jar, dir.resolve("broker.log"), port);
    }

    int port() {
        return port;
    }

    synchronized boolean running() {
        return process != null && process.isAlive();
    }

    synchronized void start() throws IOException, InterruptedException {
        if (running()) {
            return;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx128m", "-jar", jar.toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!accepting()) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                process.destroyForcibly();
                throw new IOException("the demo broker did not listen on 127.0.0.1:" + port + " within "
                        + START_TIMEOUT_MS + " ms; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling the port, bounded by the deadline above
        }
    }

    synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
