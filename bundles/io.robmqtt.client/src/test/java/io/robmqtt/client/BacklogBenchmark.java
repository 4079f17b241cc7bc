package io.robmqtt.client;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.store.SqliteInflightStore;
import io.robmqtt.store.SqliteOfflineQueue;
import io.robmqtt.store.SqliteStore;
import io.robmqtt.store.StoreConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The drain of a long outage's backlog in a small heap: a child JVM with {@code -Xmx64m} (and
 * {@code -XX:+ExitOnOutOfMemoryError}, as the gateway launcher runs) queues {@code bench.backlog} messages
 * (default 1,000,000) through publishAsync while no broker listens, reports the heap used after a full GC, then
 * drains them once Mosquitto starts and reports the heap again. The reference, raw Paho publishing as many messages
 * with the same max inflight, runs in this JVM right after, on the same broker process. QoS 1, 64-byte payloads,
 * priorities 1 to 10 interleaved, the store at synchronous=FULL, as in {@link DeliveryBenchmark}'s drain.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl bundles/io.robmqtt.client exec:java -Dbench.main=io.robmqtt.client.BacklogBenchmark [-Dbench.backlog=10000000]
 * </pre>
 */
public final class BacklogBenchmark {
    private static final int BACKLOG = Integer.getInteger("bench.backlog", 1_000_000);
    private static final String HEAP = System.getProperty("bench.heap", "64m");
    /** Accepted by publishAsync and not yet stored, at most: a producer with a buffer. */
    private static final int OUTSTANDING = 1_000;

    private BacklogBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && !args[0].isEmpty()) {
            child(Path.of(args[0]), args[1], Integer.parseInt(args[2]));
            return;
        }
        Path dir = Files.createTempDirectory("robmqtt-backlog-bench");
        int port = DeliveryBenchmark.freePort();
        String uri = "tcp://127.0.0.1:" + port;
        Process broker = null;
        Process child = startChild(dir, uri);
        try {
            System.out.printf("robmqtt backlog benchmark: %d cores, Java %s, QoS 1, %d-byte payloads, max inflight %d, "
                    + "mosquitto on loopback; a backlog of %,d messages in a child JVM with -Xmx%s%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    DeliveryBenchmark.PAYLOAD.length, DeliveryBenchmark.MAX_INFLIGHT, BACKLOG, HEAP);
            Map<String, Long> figures = new HashMap<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null; ) {
                if (!line.contains("event=connect_failed")) { // one WARN per attempt while no broker listens
                    System.out.println("  child: " + line);
                }
                String[] words = line.split(" ");
                if (words.length == 2 && words[1].matches("\\d+")) {
                    figures.put(words[0], Long.parseLong(words[1]));
                }
                if (line.startsWith("heap-queued ")) {
                    broker = DeliveryBenchmark.startMosquitto(dir, port); // the outage ends
                }
            }
            if (child.waitFor() != 0 || !figures.containsKey("drain-ms")) {
                throw new IllegalStateException("the child JVM ended with " + child.exitValue() + " before the drain "
                        + "was measured (an OutOfMemoryError ends it with 3)");
            }
            DeliveryBenchmark.rawPaho(uri, 20_000); // warm-up of this JVM's Paho
            double paho = DeliveryBenchmark.rawPaho(uri, BACKLOG);
            double drain = BACKLOG / (figures.get("drain-ms") / 1e3);
            double mib = 1024 * 1024;
            System.out.printf("%n%-62s %9.0f msg/s%n", "raw Paho, MemoryPersistence, same broker (reference)", paho);
            System.out.printf("%-62s %9.0f msg/s  %.2f x raw Paho%n", String.format("robmqtt drain of a %,d-message "
                    + "backlog, -Xmx%s", BACKLOG, HEAP), drain, drain / paho);
            System.out.printf("%-62s %9.0f msg/s%n", "robmqtt publishAsync into the backlog, offline",
                    BACKLOG / (figures.get("queue-ms") / 1e3));
            System.out.printf("heap used after GC: %.1f MiB with the backlog queued, %.1f MiB after the drain%n",
                    figures.get("heap-queued") / mib, figures.get("heap-drained") / mib);
            System.out.printf("%ntarget drain >= 0.80 x raw Paho: %.2f %s%n", drain / paho,
                    drain / paho >= 0.8 ? "met" : "MISSED");
            long worst = Math.max(figures.get("heap-queued"), figures.get("heap-drained"));
            System.out.printf("target heap after GC < 48 MB (48,000,000 bytes): %.1f MiB %s%n", worst / mib,
                    worst < 48 * 1_000_000L ? "met" : "MISSED");
        } finally {
            child.destroyForcibly();
            if (broker != null) {
                broker.destroy();
                broker.waitFor(10, TimeUnit.SECONDS);
            }
            DeliveryBenchmark.deleteTree(dir);
        }
    }

    private static Process startChild(Path dir, String uri) throws IOException, URISyntaxException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath(),
                BacklogBenchmark.class.getName(), dir.resolve("backlog.db").toString(), uri, Integer.toString(BACKLOG)));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** This benchmark's class path: exec:java's class loader's, or the JVM's when run with java -cp. */
    private static String classPath() throws URISyntaxException {
        if (BacklogBenchmark.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                entries.add(Path.of(url.toURI()).toString());
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /** The child JVM: queues the backlog, waits for the broker, drains it; one figure per line for the parent. */
    private static void child(Path db, String uri, int backlog) throws Exception {
        StoreConfig config = org.osgi.util.converter.Converters.standardConverter().convert(Map.of("db.path",
                db.toString(), "max.queue.size", backlog, "max.queue.bytes", 64L << 30)).to(StoreConfig.class);
        SqliteStore store = new SqliteStore(config);
        MqttConnection connection = DeliveryBenchmark.connection(store, uri); // nothing listens yet
        try {
            Semaphore outstanding = new Semaphore(OUTSTANDING);
            LongAdder failed = new LongAdder();
            long start = System.nanoTime();
            for (int i = 0; i < backlog; i++) {
                outstanding.acquire();
                // the Delivery handle is dropped: a producer that does not watch its messages keeps nothing
                connection.publishAsync(new OutgoingMessage("bench/backlog", DeliveryBenchmark.PAYLOAD, 1, false,
                        1 + i % 10)).whenComplete((delivery, failure) -> {
                            if (failure != null) {
                                failed.increment();
                            }
                            outstanding.release();
                        });
            }
            if (!outstanding.tryAcquire(OUTSTANDING, 30, TimeUnit.MINUTES) || failed.sum() > 0) {
                throw new IllegalStateException(failed.sum() + " messages not stored");
            }
            System.out.println("queue-ms " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            System.out.println("heap-queued " + heapAfterGc());
            DeliveryBenchmark.awaitConnected(connection); // the parent starts the broker on the line above
            long drainStart = System.nanoTime();
            long deadline = drainStart + TimeUnit.MINUTES.toNanos(60);
            while (connection.counters().acknowledged.sum() < backlog) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + connection.counters().acknowledged.sum() + " of "
                            + backlog + " acknowledged within 60 minutes");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            System.out.println("drain-ms " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart));
            System.out.println("heap-drained " + heapAfterGc());
        } finally {
            connection.shutdown();
            store.close();
        }
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
