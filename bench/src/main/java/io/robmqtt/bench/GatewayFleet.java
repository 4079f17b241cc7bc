package io.robmqtt.bench;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.TempDirs;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One gateway JVM, started from the exported gateway jar as a user starts it, with {@code n} connections to one
 * broker address: a factory configuration each in its conf/ ({@code io.robmqtt.connection-fleet-I.cfg}). Reads
 * the process's threads and CPU time from /proc and its heap through jcmd.
 */
final class GatewayFleet implements AutoCloseable {
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
    static GatewayFleet start(Path jar, Path shippedConf, int connections, int brokerPort, double maxBackoff)
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
    void awaitAllConnected(Duration timeout) {
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

    /** The process's threads, as the kernel counts them (the JVM's own included). */
    int threads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring(8).trim());
            }
        }
        throw new IOException("no Threads: line for " + process.pid());
    }

    /** User and system CPU time of the whole process so far, in milliseconds (clock ticks of 10 ms). */
    long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime (fields 14, 15)
    }

    /** The heap used right after a full GC, in bytes. */
    long heapAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IOException("jcmd GC.heap_info printed no heap use");
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** Live threads by kind: the name with client ids and numbers taken out. */
    Map<String, Integer> threadKinds() throws IOException, InterruptedException {
        Map<String, Integer> kinds = new TreeMap<>();
        Matcher names = Pattern.compile("(?m)^\"([^\"]*)\"").matcher(jcmd("Thread.print"));
        while (names.find()) {
            String kind = names.group(1).replaceAll("robmqtt-fleet-\\d+|fleet-\\d+", "ID").replaceAll("\\d+", "N");
            kinds.merge(kind, 1, Integer::sum);
        }
        return kinds;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command)).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            ChildProcesses.stop(process);
        } finally {
            TempDirs.delete(dir);
        }
    }

    static List<String> kindsTable(Map<String, Integer> kinds) {
        List<String> rows = new ArrayList<>();
        kinds.forEach((kind, count) -> rows.add(String.format("%6d  %s", count, kind)));
        return rows;
    }
}
