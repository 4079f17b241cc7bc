package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The child process of {@link KillDuringPublishTest}: four threads enqueue messages and print the sequence of
 * each one the store accepted, until the parent kills the process (or a bound of count and time is hit).
 */
public final class PublishUntilKilled {
    private static final int THREADS = 4;
    private static final int MAX_PER_THREAD = 50_000;
    private static final long MAX_MILLIS = 60_000;

    private PublishUntilKilled() {}

    public static void main(String[] args) throws Exception {
        SqliteStore store = new SqliteStore(new StoreSettings(Path.of(args[0])).maxQueueSize(1_000_000),
                Clock.systemUTC());
        SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        long deadline = System.currentTimeMillis() + MAX_MILLIS;
        AtomicBoolean go = new AtomicBoolean(true);
        Thread[] threads = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < MAX_PER_THREAD && go.get() && System.currentTimeMillis() < deadline; i++) {
                    long sequence = queue.enqueue("kill", new OutgoingMessage("t" + thread + "/" + i,
                            new byte[64], 1, false, 1 + i % 10)).stored().sequence();
                    synchronized (out) {
                        out.println("ACCEPTED " + sequence);
                        out.flush();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        store.close();
    }
}
