package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store keeps a window of each priority's queue in memory and reads the rest a page at a time: memory does
 * not grow with the queue, and order, counts, removals and restarts are as if it held everything. Messages are
 * enqueued one at a time here, so that each is a row of its own: the case where rows are most numerous.
 */
class QueuePagingTest {
    private static final String C = "main";
    /** Far more rows than the windows of two priorities hold, and fewer than the queue's default limit. */
    private static final int MANY = ConnectionRows.WINDOW * 6;

    @TempDir
    Path dir;

    private SqliteStore store;
    private SqliteOfflineQueue queue;
    private SqliteInflightStore inflight;
    private int maxQueueSize = 1000;

    @BeforeEach
    void open() {
        store = new SqliteStore(new StoreSettings(dir.resolve("paging.db")).maxQueueSize(maxQueueSize),
                Clock.systemUTC());
        queue = new SqliteOfflineQueue(store);
        inflight = new SqliteInflightStore(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void restart() {
        close();
        open();
    }

    private static OutgoingMessage message(String topic, int priority) {
        return new OutgoingMessage(topic, topic.getBytes(StandardCharsets.UTF_8), 1, false, priority);
    }

    /** Enqueues one message at a time; returns the topics in the order they must be delivered. */
    private List<String> enqueueSingly(String prefix, int count, int priority) {
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String topic = prefix + i;
            queue.enqueue(C, message(topic, priority));
            topics.add(topic);
        }
        return topics;
    }

    /** How many rows the store keeps in memory for the connection. */
    private int rowsInMemory() {
        return store.call(C, (tx, messages) -> messages.rows().size());
    }

    /** Takes everything to inflight and acknowledges it, a few at a time; returns the topics in that order. */
    private List<String> drain(int atATime) {
        List<String> sent = new ArrayList<>();
        List<StoredMessage> taken;
        while (!(taken = queue.moveToInflight(C, atATime)).isEmpty()) {
            taken.forEach(m -> sent.add(m.message().topic()));
            inflight.removeAsync(C, taken.stream().map(StoredMessage::sequence).toList()).toCompletableFuture()
                    .join();
            assertThat(rowsInMemory()).isLessThanOrEqualTo(2 * ConnectionRows.WINDOW + atATime);
        }
        return sent;
    }

    @Test
    void memoryHoldsAWindowOfEachPriorityNotTheQueue() {
        List<String> low = enqueueSingly("low-", MANY, 1);
        List<String> high = enqueueSingly("high-", MANY, 8);

        assertThat(rowsInMemory()).isLessThanOrEqualTo(2 * ConnectionRows.WINDOW);
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(2L * MANY);

        List<String> expected = new ArrayList<>(high);
        expected.addAll(low);
        assertThat(drain(50)).containsExactlyElementsOf(expected);
        assertThat(queue.statistics(C).totalMessages()).isZero();
    }

    @Test
    void aRestartCountsTheQueueBySqlAndDeliversItInOrderWithItsInflightMessages() {
        List<String> expected = enqueueSingly("a-", MANY, 3);
        List<StoredMessage> sent = queue.moveToInflight(C, 70);
        List<StoredMessage> together = IntStream.range(0, 300)
                .mapToObj(i -> queue.enqueueAsync(C, message("b-" + i, 3)).toCompletableFuture())
                .map(f -> f.join().stored()).toList();
        expected = new ArrayList<>(expected.subList(70, MANY));
        for (StoredMessage m : together) {
            expected.add(m.message().topic());
        }
        long bytes = queue.statistics(C).totalBytes();

        restart();

        assertThat(queue.statistics(C).totalMessages()).isEqualTo(MANY - 70 + 300);
        assertThat(queue.statistics(C).totalBytes()).isEqualTo(bytes);
        assertThat(inflight.list(C)).extracting(StoredMessage::sequence)
                .containsExactlyElementsOf(sent.stream().map(StoredMessage::sequence).toList());
        assertThat(rowsInMemory()).isLessThanOrEqualTo(ConnectionRows.WINDOW + 70);
        assertThat(drain(64)).containsExactlyElementsOf(expected);
    }

    @Test
    void messagesRemovedPastTheWindowStayRemovedAcrossARestart() {
        List<String> topics = enqueueSingly("m-", MANY, 5);
        List<StoredMessage> tail = queue.peek(C, MANY).subList(MANY - 10, MANY - 5);

        queue.remove(C, tail.stream().map(StoredMessage::sequence).toList());

        List<String> expected = new ArrayList<>(topics);
        expected.removeAll(tail.stream().map(m -> m.message().topic()).toList());
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(MANY - 5);
        restart();
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(MANY - 5);
        assertThat(drain(100)).containsExactlyElementsOf(expected);
    }

    @Test
    void messagesEnqueuedWhileAPagedQueueDrainsComeAfterTheOlderOnes() {
        List<String> expected = enqueueSingly("old-", MANY, 2);
        List<String> sent = new ArrayList<>();
        queue.moveToInflight(C, 10).forEach(m -> sent.add(m.message().topic()));

        expected.addAll(enqueueSingly("new-", 5, 2));

        sent.addAll(drain(33));
        assertThat(sent).containsExactlyElementsOf(expected);
    }

    @Test
    void evictionTakesTheOldestOfALowerPriorityFromAPagedQueue() {
        maxQueueSize = MANY;
        restart();
        List<String> low = enqueueSingly("low-", MANY, 1);
        restart(); // nothing of the queue in memory

        List<String> high = enqueueSingly("high-", 3, 9);

        List<String> expected = new ArrayList<>(high);
        expected.addAll(low.subList(3, MANY));
        assertThat(queue.statistics(C).evictedMessages()).isEqualTo(3);
        assertThat(drain(100)).containsExactlyElementsOf(expected);
    }
}
