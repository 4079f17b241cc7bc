package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.QueueStatistics;
import io.robmqtt.api.StoreException;
import io.robmqtt.api.store.Enqueued;
import io.robmqtt.api.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteOfflineQueueTest {
    private static final String C = "main";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final List<SqliteStore> opened = new ArrayList<>();
    private SqliteStore store;
    private SqliteOfflineQueue queue;

    @AfterEach
    void close() {
        opened.forEach(SqliteStore::close);
    }

    private SqliteOfflineQueue open(StoreSettings settings) {
        store = new SqliteStore(settings, clock);
        opened.add(store);
        queue = new SqliteOfflineQueue(store);
        return queue;
    }

    private StoreSettings settings() {
        return new StoreSettings(dir.resolve("queue.db"));
    }

    private static OutgoingMessage message(String topic, int priority) {
        return new OutgoingMessage(topic, topic.getBytes(StandardCharsets.UTF_8), 1, false, priority);
    }

    /** Queues messages of priority 5 with these topics, in this order. */
    private void enqueue(String... topics) {
        for (String topic : topics) {
            queue.enqueue(C, message(topic, 5));
        }
    }

    private static List<String> topics(List<StoredMessage> messages) {
        return messages.stream().map(m -> m.message().topic()).toList();
    }

    @Test
    void belowTheDiskFloorNewMessagesAreRefusedNamingTheFileSystemAndTheStoredOnesKept() {
        open(settings());
        enqueue("a", "b");
        store.modified(settings().minFreeDiskBytes(Long.MAX_VALUE / 2), Map.of()); // a floor above any free space
        assertThatThrownBy(() -> queue.enqueue(C, message("c", 5))).isInstanceOf(StoreException.class)
                .hasMessageContaining("bytes free, below min.free.disk.bytes " + Long.MAX_VALUE / 2)
                .hasMessageContaining("the file system ");
        assertThatThrownBy(() -> queue.enqueueAsync(C, message("d", 5))).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> new SqliteInflightStore(store).add(C, message("e", 5)))
                .isInstanceOf(StoreException.class);
        assertThat(queue.statistics(C).belowDiskFloor()).isTrue();
        assertThat(topics(queue.peek(C, 10))).as("what was stored is kept").containsExactly("a", "b");

        store.modified(settings().minFreeDiskBytes(0), Map.of()); // space returned (here: the floor went)
        queue.enqueue(C, message("f", 5));
        assertThat(topics(queue.peek(C, 10))).containsExactly("a", "b", "f");
        QueueStatistics statistics = queue.statistics(C);
        assertThat(statistics.belowDiskFloor()).isFalse();
        assertThat(statistics.freeDiskBytes()).isPositive();
        assertThat(statistics.storeFileBytes()).isPositive();
    }

    @Test
    void deliversHighestPriorityFirstThenInAcceptanceOrder() {
        open(settings());
        queue.enqueue(C, message("a1", 1));
        queue.enqueue(C, message("b5", 5));
        queue.enqueue(C, message("c1", 1));
        queue.enqueue(C, message("d10", 10));
        queue.enqueue(C, message("e5", 5));
        assertThat(topics(queue.peek(C, 10))).containsExactly("d10", "b5", "e5", "a1", "c1");
        assertThat(topics(queue.peek(C, 2))).containsExactly("d10", "b5");
    }

    @Test
    void orderDoesNotFollowTheWallClock() {
        open(settings());
        clock.set(Instant.parse("2026-01-01T00:00:10Z"));
        queue.enqueue(C, message("first", 3));
        clock.set(Instant.parse("2026-01-01T00:00:00Z")); // the clock jumps back (NTP, RTC reset)
        queue.enqueue(C, message("second", 3));
        assertThat(topics(queue.peek(C, 10))).containsExactly("first", "second");
    }

    @Test
    void sequencesIncreaseAndAreNeverReusedAfterEverythingWasRemovedAndReopened() {
        open(settings());
        long first = queue.enqueue(C, message("a", 1)).stored().sequence();
        long second = queue.enqueue(C, message("b", 1)).stored().sequence();
        assertThat(second).isGreaterThan(first);
        queue.remove(C, List.of(first, second));
        store.close();
        opened.clear();

        open(settings());
        long third = queue.enqueue(C, message("c", 1)).stored().sequence();
        assertThat(third).isGreaterThan(second);
    }

    @Test
    void messagesSurviveClosingAndReopeningTheStore() {
        open(settings());
        for (int i = 0; i < 50; i++) {
            queue.enqueue(C, message("m" + i, 1 + i % 3));
        }
        List<StoredMessage> before = queue.peek(C, 100);
        store.close();
        opened.clear();

        open(settings());
        assertThat(queue.peek(C, 100)).isEqualTo(before);
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(50);
    }

    @Test
    void connectionsHaveTheirOwnQueuesAndCapacity() {
        open(settings().maxQueueSize(1));
        queue.enqueue("a", message("for-a", 1));
        queue.enqueue("b", message("for-b", 1));
        assertThat(topics(queue.peek("a", 10))).containsExactly("for-a");
        assertThat(topics(queue.peek("b", 10))).containsExactly("for-b");
    }

    @Test
    void aFullQueueEvictsTheOldestLowestPriorityMessageAndCountsIt() {
        open(settings().maxQueueSize(3));
        queue.enqueue(C, message("low-old", 2));
        queue.enqueue(C, message("lowest", 1));
        queue.enqueue(C, message("low-new", 2));

        Enqueued alarm = queue.enqueue(C, message("alarm", 10));

        assertThat(topics(alarm.evicted())).containsExactly("lowest");
        assertThat(topics(queue.peek(C, 10))).containsExactly("alarm", "low-old", "low-new");
        QueueStatistics stats = queue.statistics(C);
        assertThat(stats.evictedMessages()).isEqualTo(1);
        assertThat(stats.totalMessages()).isEqualTo(3);
    }

    @Test
    void aFullQueueOfEqualPriorityRefusesTheNewMessageAndKeepsTheOld() {
        open(settings().maxQueueSize(2));
        queue.enqueue(C, message("a", 5));
        queue.enqueue(C, message("b", 5));
        assertThatThrownBy(() -> queue.enqueue(C, message("c", 5))).isInstanceOf(QueueFullException.class);
        assertThat(topics(queue.peek(C, 10))).containsExactly("a", "b");
        assertThat(queue.statistics(C).rejectedMessages()).isEqualTo(1);
    }

    @Test
    void anOversizedPayloadIsRefusedByNameAndNothingIsStored() {
        open(settings().maxPayloadBytes(4));
        OutgoingMessage big = new OutgoingMessage("t", new byte[5], 0, false, 1);
        assertThatIllegalArgumentException().isThrownBy(() -> queue.enqueue(C, big))
                .withMessageContaining("payload is 5 bytes").withMessageContaining("max.payload.bytes");
        assertThat(queue.peek(C, 10)).isEmpty();
        queue.enqueue(C, new OutgoingMessage("t", new byte[4], 0, false, 1));
        assertThat(queue.peek(C, 10)).hasSize(1);
    }

    @Test
    void statisticsReportCountsBytesPrioritiesAgeAndCapacity() {
        open(settings().maxQueueSize(10));
        assertThat(queue.statistics(C).oldestMessageAgeSeconds()).isEmpty();
        clock.set(Instant.parse("2026-01-01T00:00:00Z"));
        queue.enqueue(C, message("ab", 1));
        queue.enqueue(C, message("cd", 7));
        queue.enqueue(C, message("ef", 7));
        clock.set(Instant.parse("2026-01-01T00:00:42.500Z"));

        QueueStatistics stats = queue.statistics(C);
        assertThat(stats.totalMessages()).isEqualTo(3);
        assertThat(stats.totalBytes()).isEqualTo(12);
        assertThat(stats.byPriority()).containsExactly(Map.entry(7, 2L), Map.entry(1, 1L));
        assertThat(stats.oldestMessageAgeSeconds()).hasValue(42.5);
        assertThat(stats.capacityUsedPercent()).isEqualTo(30.0);
    }

    @Test
    void removingUpdatesTheCountersAndIgnoresUnknownSequences() {
        open(settings());
        long a = queue.enqueue(C, message("a", 1)).stored().sequence();
        queue.enqueue(C, message("b", 2));
        queue.remove(C, List.of(a, 9_999L));
        assertThat(topics(queue.peek(C, 10))).containsExactly("b");
        assertThat(queue.statistics(C).byPriority()).containsExactly(Map.entry(2, 1L));
    }

    @Test
    void movingToInflightTakesTheNextMessagesInDeliveryOrderAtomically() {
        open(settings());
        SqliteInflightStore inflight = new SqliteInflightStore(store);
        queue.enqueue(C, message("a1", 1));
        queue.enqueue(C, message("b5", 5));
        queue.enqueue(C, message("c5", 5));
        queue.enqueue(C, message("d9", 9));
        queue.enqueue("other", message("x9", 9));

        List<StoredMessage> taken = queue.moveToInflight(C, 3);

        assertThat(topics(taken)).containsExactly("d9", "b5", "c5");
        assertThat(topics(inflight.list(C))).containsExactly("b5", "c5", "d9"); // by sequence
        assertThat(topics(queue.peek(C, 10))).containsExactly("a1");
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(1);
        assertThat(topics(queue.peek("other", 10))).containsExactly("x9");
        assertThat(queue.moveToInflight(C, 10)).hasSize(1);
        assertThat(queue.moveToInflight(C, 10)).isEmpty();
    }

    @Test
    void aMoveThatReturnedBeforeItsCommitIsCommittedWhenTheStoreCloses() {
        open(settings());
        enqueue("a", "b", "c");

        assertThat(topics(queue.moveToInflight(C, 2))).containsExactly("a", "b");
        store.close(); // at once: well within the 20 ms a relaxed commit may wait

        open(settings());
        assertThat(topics(new SqliteInflightStore(store).list(C))).containsExactly("a", "b");
        assertThat(topics(queue.peek(C, 10))).containsExactly("c");
    }

    @Test
    void aMoveAndARemovalPendingTheirCommitAreSeenByLaterWorkAndCommittedWithDurableWork() {
        open(settings());
        SqliteInflightStore inflight = new SqliteInflightStore(store);
        enqueue("a", "b");
        List<StoredMessage> moved = queue.moveToInflight(C, 1);
        inflight.removeAsync(C, List.of(moved.get(0).sequence()));

        assertThat(inflight.count(C)).isZero(); // later work sees both before their commit
        assertThat(topics(queue.moveToInflight(C, 10))).containsExactly("b");
        queue.enqueue(C, message("c", 5)); // durable: commits everything before it too

        assertThat(topics(inflight.list(C))).containsExactly("b");
        assertThat(topics(queue.peek(C, 10))).containsExactly("c");
    }

    @Test
    void aFailingBatchUndoesItselfAndNotTheMovesBeforeIt() {
        open(settings());
        SqliteInflightStore inflight = new SqliteInflightStore(store);
        enqueue("a", "b");
        assertThat(topics(queue.moveToInflight(C, 1))).containsExactly("a"); // sent at once by a drain

        assertThatThrownBy(() -> store.call(C, (tx, messages) -> {
            try (var statement = tx.connection().createStatement()) {
                statement.execute("INSERT INTO no_such_table VALUES (1)");
            }
            return null;
        })).isInstanceOf(StoreException.class);

        // "a" was sent: had the failure rolled back its move, it would be queued, and sent (or evicted) again
        assertThat(topics(inflight.list(C))).containsExactly("a");
        assertThat(topics(queue.peek(C, 10))).containsExactly("b");
    }

    @Test
    void aMoveMadeFromACompletionOnTheDatabaseThreadDoesNotWaitForItself() throws Exception {
        open(settings());
        CountDownLatch release = new CountDownLatch(1);
        store.submit(C, (tx, messages) -> { // holds the database thread until released
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        CompletableFuture<List<StoredMessage>> moved = queue.enqueueAsync(C, message("a", 5)).toCompletableFuture()
                .thenApply(enqueued -> queue.moveToInflight(C, 1)); // attached before it can complete
        release.countDown();

        assertThat(topics(moved.get(10, TimeUnit.SECONDS))).containsExactly("a");
    }

    @Test
    void concurrentPublishersKeepEachPublishersOrderAndLoseNothing() throws Exception {
        open(settings().maxQueueSize(10_000));
        int threads = 16;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<Long> sequences = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        sequences.add(queue.enqueue(C, message("t" + thread + "/" + i, 1)).stored().sequence());
                    }
                    return sequences;
                }));
            }
            for (Future<List<Long>> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isSorted().doesNotHaveDuplicates();
            }
        } finally {
            pool.shutdownNow();
        }
        List<StoredMessage> all = queue.peek(C, threads * each + 1);
        assertThat(all).hasSize(threads * each);
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + "/";
            assertThat(topics(all).stream().filter(topic -> topic.startsWith(prefix)).toList())
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, each)
                            .mapToObj(i -> prefix + i).toList());
        }
    }

    @Test
    void asyncSubmissionsFromOneCallerKeepTheirOrder() {
        open(settings());
        List<java.util.concurrent.CompletableFuture<Enqueued>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(queue.enqueueAsync(C, message("m" + i, 1)).toCompletableFuture());
        }
        futures.forEach(java.util.concurrent.CompletableFuture::join);
        assertThat(topics(queue.peek(C, 300)))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 200).mapToObj(i -> "m" + i).toList());
    }

    /** A clock the test sets. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
