package io.robmqtt.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One gateway JVM, started from the exported gateway jar as a user starts it, with {@code n} connections to one
 * broker address: a factory configuration each in its conf/ ({@code io.robmqtt.connection-fleet-I.cfg}, client id
 * {@code robmqtt-fleet-I}, min.backoff 1 s).
 */
public final class GatewayFleet implements AutoCloseable {
    private static final String WEB_CONSOLE_CFG = "org.apache.felix.webconsole.internal.servlet.OsgiManager.cfg";
    /** The body of /health when every connection is connected: the worst status first. */
    private static final Pattern HEALTHY = Pattern.compile("\\{\\s*\"status\":\\s*\"healthy\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final Process process;
    private final int httpPort;

    private GatewayFleet(Path dir, Process process, int httpPort) {
        this.dir = dir;
        this.process = process;
        this.httpPort = httpPort;
    }

    /**
     * @param jar the exported gateway jar
     * @param shippedConf the repository's conf/, for the Web Console login file and logback.xml
     */
    public static GatewayFleet start(Path jar, Path shippedConf, int connections, int brokerPort, double maxBackoff)
            throws IOException {
        Path dir = Files.createTempDirectory("robmqtt-fleet");
        try {
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Files.copy(shippedConf.resolve(WEB_CONSOLE_CFG), conf.resolve(WEB_CONSOLE_CFG));
            Files.copy(shippedConf.resolve("logback.xml"), conf.resolve("logback.xml"));
            Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = " + dir.resolve("data/robmqtt.db")
                    + "\n");
            for (int i = 0; i < connections; i++) {
                Files.writeString(conf.resolve("io.robmqtt.connection-fleet-" + i + ".cfg"),
                        "connection.name = fleet-" + i + "\nclient.id = robmqtt-fleet-" + i
                        + "\nbroker.host = 127.0.0.1\nbroker.port = " + brokerPort + "\nmin.backoff = 1\nmax.backoff = "
                        + maxBackoff + "\n");
            }
            Path secrets = Files.createDirectories(dir.resolve("secrets"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(secrets.resolve("console-password"), "fleet-benchmark-" + System.nanoTime());
            int httpPort = TestBroker.freePort();
            Process process = ChildProcesses.startJar(jar.toAbsolutePath(), dir, "console.log", httpPort,
                    List.of("-XX:+ExitOnOutOfMemoryError"), "felix.fileinstall.dir=conf",
                    "logback.configurationFile=conf/logback.xml");
            return new GatewayFleet(dir, process, httpPort);
        } catch (IOException | RuntimeException e) {
            TempDirs.delete(dir);
            throw e;
        }
    }

    /** Waits until /health says every connection is connected. */
    public void awaitAllConnected(Duration timeout) {
        Await.until("every connection of the gateway is connected (/health healthy)", timeout, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue() + ": "
                        + ChildProcesses.read(dir.resolve("console.log")));
            }
            return healthy();
        });
    }

    private boolean healthy() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                    + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && HEALTHY.matcher(response.body()).lookingAt();
        } catch (IOException e) {
            return false; // not serving yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The gateway's process id. */
    public long pid() {
        return process.pid();
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
