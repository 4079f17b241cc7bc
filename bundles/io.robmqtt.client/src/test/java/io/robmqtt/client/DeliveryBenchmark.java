package io.robmqtt.client;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.store.SqliteInflightStore;
import io.robmqtt.store.SqliteOfflineQueue;
import io.robmqtt.store.SqliteReceivedStore;
import io.robmqtt.store.SqliteStore;
import io.robmqtt.store.StoreConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * End-to-end QoS 1 throughput to a local Mosquitto through robmqtt (durable: every message fsync'd before
 * publish returns or publishAsync's stage completes), against raw Paho with MemoryPersistence and the same max inflight, measured in the same
 * run; and the drain rate of a backlog after a reconnect. Every loop is bounded in count and time.
 */
public final class DeliveryBenchmark {
    private static final int THREADS = 16;
    static final int MAX_INFLIGHT = 100;
    private static final int MESSAGES = Integer.getInteger("bench.messages", 100_000);
    private static final int BACKLOG = Integer.getInteger("bench.backlog", 100_000);
    private static final long TIMEOUT_S = 300;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final int ASYNC_OUTSTANDING = 1_000;
    static final byte[] PAYLOAD = new byte[64];
    /** "publish", "async" or "drain" to measure only that (for profiling); raw Paho is always measured. */
    private static final String ONLY = System.getProperty("bench.only", "");

    /** With -Dbench.threads=true, prints the CPU time each thread of this JVM used in each timed phase. */
    private static final boolean THREAD_CPU = Boolean.getBoolean("bench.threads");
    /** CPU time of the publishing threads that have ended. */
    private static final LongAdder PUBLISHER_CPU = new LongAdder();

    private DeliveryBenchmark() {}

    /** Busy CPU time of the whole machine so far, in ns, from /proc/stat (Linux); 0 elsewhere. */
    private static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 10_000_000L; // USER_HZ 100
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Map<String, Long> threadCpu() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new HashMap<>();
        cpu.put("(whole machine, busy)", machineBusyNanos());
        cpu.put("(the " + THREADS + " publishing threads)", PUBLISHER_CPU.sum());
        for (long id : mx.getAllThreadIds()) {
            ThreadInfo info = mx.getThreadInfo(id);
            long t = mx.getThreadCpuTime(id);
            if (info != null && t > 0) {
                cpu.merge(info.getThreadName().replaceAll("[0-9]+", "N"), t, Long::sum);
            }
        }
        return cpu;
    }

    private static void printThreadCpu(String phase, Map<String, Long> before, int messages) {
        if (!THREAD_CPU) {
            return;
        }
        Map<String, Long> after = threadCpu();
        System.out.printf("  CPU per message by thread, %s:%n", phase);
        after.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(12).forEach(e -> System.out.printf("    %-40s %6.2f us%n", e.getKey(), e.getValue() / 1e3 / messages));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("robmqtt-delivery-bench");
        int port = freePort();
        Process broker = startMosquitto(dir, port);
        try {
            String uri = "tcp://127.0.0.1:" + port;
            System.out.printf("robmqtt delivery benchmark: %d cores, Java %s, QoS 1, %d-byte payloads, %d publishing "
                    + "threads, max inflight %d, mosquitto on loopback%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), PAYLOAD.length, THREADS, MAX_INFLIGHT);
            rawPaho(uri, MESSAGES / 5); // warm-up
            double[] pahoRuns = new double[ROUNDS];
            double[] durableRuns = new double[ROUNDS];
            double[] drainRuns = new double[ROUNDS];
            double[] asyncRuns = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) { // interleaved, so drift on the machine hits each alike
                pahoRuns[round] = rawPaho(uri, MESSAGES);
                durableRuns[round] = runs("publish") ? robmqtt(dir.resolve("e2e-" + round + ".db"), uri, MESSAGES) : 0;
                asyncRuns[round] = runs("async") ? robmqttAsync(dir.resolve("async-" + round + ".db"), uri, MESSAGES) : 0;
                drainRuns[round] = runs("drain") ? drain(dir.resolve("drain-" + round + ".db"), dir, BACKLOG) : 0;
                System.out.printf("round %d: raw Paho %.0f, robmqtt publish %.0f (%.2f), publishAsync %.0f (%.2f), "
                        + "drain %.0f (%.2f) msg/s%n", round + 1, pahoRuns[round], durableRuns[round],
                        durableRuns[round] / pahoRuns[round], asyncRuns[round], asyncRuns[round] / pahoRuns[round],
                        drainRuns[round], drainRuns[round] / pahoRuns[round]);
            }
            // Each ratio is taken within its round, against raw Paho measured moments before on the same machine
            // state, and the median of the rounds' ratios is reported: raw Paho alone swings by a third between
            // rounds on a busy machine, which a ratio of medians would carry over.
            double durable = median(ratios(durableRuns, pahoRuns));
            double drain = median(ratios(drainRuns, pahoRuns));
            double async = median(ratios(asyncRuns, pahoRuns));
            System.out.printf("%nmedians of %d rounds (rates; ratios are the median of each round's ratio):%n", ROUNDS);
            System.out.printf("%-58s %9.0f msg/s%n", "raw Paho, MemoryPersistence (reference)", median(pahoRuns));
            System.out.printf("%-58s %9.0f msg/s  %.2f x raw Paho%n", "robmqtt publish, durable (synchronous=FULL)",
                    median(durableRuns), durable);
            System.out.printf("%-58s %9.0f msg/s  %.2f x raw Paho%n", "robmqtt publishAsync, durable, <= "
                    + ASYNC_OUTSTANDING + " outstanding", median(asyncRuns), async);
            System.out.printf("%-58s %9.0f msg/s  %.2f x raw Paho%n", "robmqtt drain of a " + BACKLOG
                    + "-message backlog after reconnect", median(drainRuns), drain);
            // Paho's publish returns before anything is stored or acknowledged; publishAsync is the like call
            System.out.printf("%ntarget durable publishAsync >= 0.80 x raw Paho: %.2f %s%n", async,
                    async >= 0.8 ? "met" : "MISSED");
            System.out.printf("target drain >= 0.80 x raw Paho: %.2f %s%n", drain, drain >= 0.8 ? "met" : "MISSED");
            System.out.printf("(synchronous publish, each call returning after its own fsync: %.2f x raw Paho; at most "
                    + "%d messages share an fsync, see docs/performance.md)%n", durable, THREADS);
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
            deleteTree(dir);
        }
    }

    private static boolean runs(String phase) {
        return ONLY.isEmpty() || ONLY.equals(phase);
    }

    /** Raw Paho from 16 threads, each waiting for a window permit; msg/s. Also the backlog benchmark's reference. */
    static double rawPaho(String uri, int messages) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(uri, "bench-paho-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(MAX_INFLIGHT);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        client.connect(options).waitForCompletion(10_000);
        Semaphore window = new Semaphore(MAX_INFLIGHT);
        LongAdder acked = new LongAdder();
        IMqttActionListener onAck = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                window.release();
                acked.increment();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                window.release();
                System.err.println("raw Paho publish failed: " + cause);
            }
        };
        Map<String, Long> cpu = threadCpu();
        long start = System.nanoTime();
        runThreads(messages, i -> {
            window.acquire();
            client.publish("bench/paho", PAYLOAD, 1, false, null, onAck);
        });
        awaitCount(acked, messages);
        double rate = messages / ((System.nanoTime() - start) / 1e9);
        printThreadCpu("raw Paho", cpu, messages);
        client.disconnect().waitForCompletion(10_000);
        client.close();
        return rate;
    }

    private static double robmqtt(Path db, String uri, int messages) throws Exception {
        SqliteStore store = store(db);
        MqttConnection connection = connection(store, uri);
        try {
            awaitLive(connection); // the steady state; the way through the queue is what the drain measures
            List<CompletableFuture<Void>> done = new ArrayList<>(messages);
            Map<String, Long> cpu = threadCpu();
            long start = System.nanoTime();
            runThreads(messages, i -> {
                Delivery d = connection.publish(new OutgoingMessage("bench/robmqtt", PAYLOAD, 1, false, 1));
                synchronized (done) {
                    done.add(d.completion().toCompletableFuture());
                }
            });
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
            double rate = messages / ((System.nanoTime() - start) / 1e9);
            printThreadCpu("robmqtt publish", cpu, messages);
            if (THREAD_CPU) {
                System.out.printf("  %d of %d messages took the queue (no window permit free, or the queue not empty)%n",
                        connection.counters().queued.sum(), messages);
            }
            return rate;
        } finally {
            connection.shutdown();
            store.close();
        }
    }

    /**
     * publishAsync from the same threads, each message counted when the broker acknowledged it; at most
     * {@value #ASYNC_OUTSTANDING} accepted and not yet acknowledged at a time, so that the stored messages
     * share fsyncs the way a producer with a buffer would let them.
     */
    private static double robmqttAsync(Path db, String uri, int messages) throws Exception {
        SqliteStore store = store(db);
        MqttConnection connection = connection(store, uri);
        try {
            awaitLive(connection);
            Semaphore outstanding = new Semaphore(ASYNC_OUTSTANDING);
            LongAdder delivered = new LongAdder();
            LongAdder failed = new LongAdder();
            Map<String, Long> cpu = threadCpu();
            long start = System.nanoTime();
            runThreads(messages, i -> {
                outstanding.acquire();
                connection.publishAsync(new OutgoingMessage("bench/async", PAYLOAD, 1, false, 1))
                        .thenCompose(Delivery::completion).whenComplete((ok, failure) -> {
                            (failure == null ? delivered : failed).increment();
                            outstanding.release();
                        });
            });
            awaitCount(delivered, messages - failed.sum());
            if (failed.sum() > 0) {
                throw new IllegalStateException(failed.sum() + " asynchronous publishes failed");
            }
            double rate = messages / ((System.nanoTime() - start) / 1e9);
            printThreadCpu("robmqtt publishAsync", cpu, messages);
            return rate;
        } finally {
            connection.shutdown();
            store.close();
        }
    }

    private static double drain(Path db, Path dir, int backlog) throws Exception {
        int port = freePort();
        SqliteStore store = store(db);
        MqttConnection connection = connection(store, "tcp://127.0.0.1:" + port); // nothing listens yet
        Process broker = null;
        try {
            List<CompletableFuture<Delivery>> queued = new ArrayList<>(backlog);
            for (int i = 0; i < backlog; i++) {
                queued.add(connection.publishAsync(new OutgoingMessage("bench/drain", PAYLOAD, 1, false, 1 + i % 10))
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
            List<CompletableFuture<Void>> delivered = new ArrayList<>(backlog);
            for (CompletableFuture<Delivery> q : queued) {
                delivered.add(q.join().completion().toCompletableFuture());
            }
            broker = startMosquitto(dir, port);
            Map<String, Long> cpu = threadCpu();
            awaitConnected(connection);
            long start = System.nanoTime();
            CompletableFuture.allOf(delivered.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
            double rate = backlog / ((System.nanoTime() - start) / 1e9);
            printThreadCpu("drain", cpu, backlog);
            return rate;
        } finally {
            connection.shutdown();
            store.close();
            if (broker != null) {
                broker.destroy();
                broker.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Removes the benchmark's files: each run writes hundreds of megabytes. */
    static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static double[] ratios(double[] values, double[] reference) {
        double[] ratios = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            ratios[i] = values[i] / reference[i];
        }
        return ratios;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static SqliteStore store(Path db) {
        StoreConfig config = org.osgi.util.converter.Converters.standardConverter()
                .convert(Map.of("db.path", db.toString(), "max.queue.size", 10_000_000)).to(StoreConfig.class);
        return new SqliteStore(config);
    }

    static MqttConnection connection(SqliteStore store, String uri) {
        ConnectionSettings settings = ConnectionSettings.from(Map.of("client.id", "bench-" + System.nanoTime(),
                "broker.uris", new String[] {uri}, "max.inflight", MAX_INFLIGHT, "min.backoff", 0.05,
                "max.backoff", 0.2), Map.of());
        MqttConnection connection = new MqttConnection(settings, new SqliteOfflineQueue(store),
                new SqliteInflightStore(store), new SqliteReceivedStore(store));
        connection.start();
        return connection;
    }

    private static void awaitLive(MqttConnection connection) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!connection.live()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("robmqtt did not go live within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    static void awaitConnected(MqttConnection connection) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!connection.connected()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("robmqtt did not connect within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    private static void awaitCount(LongAdder count, long expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (count.sum() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + count.sum() + " of " + expected + " acknowledged");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @FunctionalInterface
    private interface Step {
        void run(int i) throws Exception;
    }

    private static void runThreads(int messages, Step step) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int from = t * (messages / THREADS);
            int to = t == THREADS - 1 ? messages : from + messages / THREADS;
            Thread thread = new Thread(() -> {
                try {
                    for (int i = from; i < to; i++) {
                        step.run(i);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    PUBLISHER_CPU.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Process startMosquitto(Path dir, int port) throws IOException {
        Path config = dir.resolve("mosquitto-" + port + ".conf");
        Files.writeString(config, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + "max_inflight_messages 0\nmax_queued_messages 0\n");
        Process process = new ProcessBuilder("mosquitto", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto-" + port + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return process;
            } catch (IOException notYet) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        process.destroyForcibly();
        throw new IOException("mosquitto did not listen on " + port + " within 20 s");
    }
}
