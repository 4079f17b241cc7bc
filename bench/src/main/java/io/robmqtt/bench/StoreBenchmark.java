package io.robmqtt.bench;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.Enqueued;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.store.SqliteOfflineQueue;
import io.robmqtt.store.SqliteStore;
import io.robmqtt.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Durable enqueue and drain rates of the SQLite store, each printed with its ratio to plain SQLite measured in
 * the same run on the same disk. Every loop is bounded in time.
 */
public final class StoreBenchmark {
    private static final long WARMUP_MS = 500;
    private static final long RUN_MS = Long.getLong("bench.millis", 3_000);
    private static final byte[] PAYLOAD = new byte[64];
    private static final String CONNECTION = "bench";

    private StoreBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("robmqtt-bench");
        System.out.printf("robmqtt store benchmark: %d cores, Java %s, %s %s, files in %s (%s), %d s a figure%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), dir, Files.getFileStore(dir).type(),
                RUN_MS / 1000);

        double ceiling = rawRate(dir.resolve("raw-batch.db"), 1_000);
        double single = rawRate(dir.resolve("raw-single.db"), 1);
        row("raw SQLite, 1,000 rows per transaction (ceiling)", ceiling, ceiling, single);
        row("raw SQLite, 1 row per transaction", single, ceiling, single);

        double[] publishers = new double[3];
        int[] counts = {1, 4, 16};
        for (int i = 0; i < counts.length; i++) {
            publishers[i] = enqueueRate(dir.resolve("enqueue-" + counts[i] + ".db"), counts[i]);
            row("robmqtt enqueue, " + counts[i] + " publisher" + (counts[i] > 1 ? "s" : ""), publishers[i], ceiling,
                    single);
        }
        double async = asyncEnqueueRate(dir.resolve("async.db"), 1, 1_000);
        row("robmqtt enqueueAsync, 1 caller, 1,000 outstanding", async, ceiling, single);
        double async16 = asyncEnqueueRate(dir.resolve("async16.db"), 16, 64);
        row("robmqtt enqueueAsync, 16 publishers, 64 outstanding", async16, ceiling, single);
        double drain = drainRate(dir.resolve("drain.db"), 100);
        row("robmqtt peek+remove, 100 per batch", drain, ceiling, single);

        System.out.printf("%ntarget 16 publishers >= 0.50 x ceiling: %.2f %s%n", publishers[2] / ceiling,
                publishers[2] / ceiling >= 0.5 ? "met" : "MISSED");
        System.out.printf("target 16 publishers >= 0.50 x ceiling, with enqueueAsync: %.2f %s%n", async16 / ceiling,
                async16 / ceiling >= 0.5 ? "met" : "MISSED");
        System.out.printf("target 1 publisher >= 0.90 x 1 row per transaction: %.2f %s%n", publishers[0] / single,
                publishers[0] / single >= 0.9 ? "met" : "MISSED");
        deleteTree(dir);
    }

    private static void row(String what, double rate, double ceiling, double single) {
        System.out.printf("%-52s %10.0f msg/s  %5.2f x ceiling  %6.2f x 1-row-txn%n", what, rate, rate / ceiling,
                rate / single);
    }

    private static double rawRate(Path file, int rowsPerTransaction) throws Exception {
        try (RawSqlite raw = new RawSqlite(file)) {
            long end = System.currentTimeMillis() + WARMUP_MS;
            while (System.currentTimeMillis() < end) {
                raw.insertTransaction(rowsPerTransaction, PAYLOAD);
            }
            long rows = 0;
            long start = System.nanoTime();
            end = System.currentTimeMillis() + RUN_MS;
            while (System.currentTimeMillis() < end) {
                raw.insertTransaction(rowsPerTransaction, PAYLOAD);
                rows += rowsPerTransaction;
            }
            return rows / seconds(start);
        }
    }

    private static double enqueueRate(Path file, int threads) throws Exception {
        SqliteStore store = open(file);
        try {
            SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
            timed(threads, WARMUP_MS, queue, new LongAdder());
            LongAdder done = new LongAdder();
            long start = System.nanoTime();
            timed(threads, RUN_MS, queue, done);
            return done.sum() / seconds(start);
        } finally {
            store.close();
        }
    }

    private static void timed(int threads, long millis, SqliteOfflineQueue queue, LongAdder done)
            throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; System.currentTimeMillis() < end; i++) {
                    queue.enqueue(CONNECTION, message(i));
                    done.increment();
                }
            });
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) {
            thread.join();
        }
    }

    private static double asyncEnqueueRate(Path file, int threads, int window) throws Exception {
        SqliteStore store = open(file);
        try {
            SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
            LongAdder done = new LongAdder();
            long start = System.nanoTime();
            long end = System.currentTimeMillis() + RUN_MS;
            List<Thread> running = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    List<CompletableFuture<Enqueued>> outstanding = new ArrayList<>();
                    try {
                        while (System.currentTimeMillis() < end) {
                            for (int i = 0; i < window; i++) {
                                outstanding.add(queue.enqueueAsync(CONNECTION, message(i)).toCompletableFuture());
                            }
                            CompletableFuture.allOf(outstanding.toArray(CompletableFuture[]::new)).join();
                            done.add(outstanding.size());
                            outstanding.clear();
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                });
                thread.start();
                running.add(thread);
            }
            for (Thread thread : running) {
                thread.join();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a publisher failed, so the figure would be wrong", failure.get());
            }
            return done.sum() / seconds(start);
        } finally {
            store.close();
        }
    }

    private static double drainRate(Path file, int batch) throws Exception {
        SqliteStore store = open(file);
        try {
            SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
            List<CompletableFuture<Enqueued>> filling = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                filling.add(queue.enqueueAsync(CONNECTION, message(i)).toCompletableFuture());
            }
            CompletableFuture.allOf(filling.toArray(CompletableFuture[]::new)).join();
            long removed = 0;
            long start = System.nanoTime();
            long end = System.currentTimeMillis() + RUN_MS;
            while (System.currentTimeMillis() < end) {
                List<StoredMessage> next = queue.peek(CONNECTION, batch);
                if (next.isEmpty()) {
                    break;
                }
                queue.remove(CONNECTION, next.stream().map(StoredMessage::sequence).toList());
                removed += next.size();
            }
            return removed / seconds(start);
        } finally {
            store.close();
        }
    }

    private static SqliteStore open(Path file) {
        return new SqliteStore(Configs.of(StoreConfig.class,
                Map.of("db.path", file.toString(), "max.queue.size", 10_000_000,
                        "max.queue.bytes", 8L << 30))); // a 3-second run must never fill the queue
    }

    private static OutgoingMessage message(int i) {
        return new OutgoingMessage("bench/sensor/" + i % 100, PAYLOAD, 1, false, 1 + i % 10);
    }

    /** Removes the benchmark's files: each run writes hundreds of megabytes. */
    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
