package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.store.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityEvictionPolicyTest {
    private final List<StoredMessage> queued = new ArrayList<>();
    private final QueueCounters counters = new QueueCounters();
    private long sequence;

    private void queue(int priority, int payloadBytes) {
        StoredMessage m = new StoredMessage(++sequence, message(priority, payloadBytes), 0);
        queued.add(m);
        counters.add(priority, m.message().sizeBytes());
    }

    private static OutgoingMessage message(int priority, int payloadBytes) {
        return new OutgoingMessage("t", new byte[payloadBytes], 1, false, priority);
    }

    private List<StoredMessage> victims(int priority, int payloadBytes, QueueLimits limits) throws Exception {
        return PriorityEvictionPolicy.victims(message(priority, payloadBytes), counters, limits,
                (p, after, limit) -> queued.stream()
                        .filter(m -> m.message().priority() == p && m.sequence() > after)
                        .limit(limit).toList());
    }

    private static QueueLimits size(int maxMessages) {
        return new QueueLimits(maxMessages, Long.MAX_VALUE / 2, 1000, 0);
    }

    private static QueueLimits bytes(long maxBytes) {
        return new QueueLimits(100, maxBytes, 0, 0);
    }

    private List<Long> sequences(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::sequence).toList();
    }

    @Test
    void oneBelowCapacityNeedsNoEviction() throws Exception {
        queue(1, 1);
        queue(1, 1);
        assertThat(victims(5, 1, size(3))).isEmpty();
    }

    @Test
    void atCapacityEvictsTheOldestOfTheLowestPriority() throws Exception {
        queue(3, 1); // 1
        queue(2, 1); // 2
        queue(2, 1); // 3
        queue(4, 1); // 4
        assertThat(sequences(victims(5, 1, size(4)))).containsExactly(2L);
    }

    @Test
    void theLowestPriorityGoesFirstEvenWhenANewerMessage() throws Exception {
        queue(3, 1); // 1: older but more important
        queue(1, 1); // 2
        assertThat(sequences(victims(4, 1, size(2)))).containsExactly(2L);
    }

    @Test
    void evictsAPriorityJustBelowTheIncomingOne() throws Exception {
        queue(9, 1);
        queue(10, 1);
        assertThat(sequences(victims(10, 1, size(2)))).containsExactly(1L);
    }

    @Test
    void refusesWhenOnlyEqualPriorityIsQueued() throws Exception {
        queue(5, 1);
        queue(5, 1);
        assertThatThrownBy(() -> victims(5, 1, size(2))).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("2 of max.queue.size 2").hasMessageContaining("lower priority than 5");
    }

    @Test
    void refusesWhenOnlyHigherPriorityIsQueued() throws Exception {
        queue(10, 1);
        assertThatThrownBy(() -> victims(1, 1, size(1))).isInstanceOf(QueueFullException.class);
    }

    @Test
    void aRoutineMessageNeverEvictsAnAlarm() throws Exception {
        queue(10, 1);
        queue(1, 1);
        assertThatThrownBy(() -> victims(1, 1, size(2))).isInstanceOf(QueueFullException.class);
    }

    @Test
    void freesBytesFromSeveralLowerMessagesOldestFirst() throws Exception {
        int size = message(1, 100).sizeBytes(); // 101
        queue(1, 100);
        queue(2, 100);
        queue(1, 100);
        QueueLimits limits = bytes(3L * size);
        // a 200-byte message needs 201 bytes; 3 * 101 used of 303: free two messages of priority 1
        assertThat(sequences(victims(3, 200, limits))).containsExactly(1L, 3L);
    }

    @Test
    void bytesAtExactlyTheLimitNeedNoEviction() throws Exception {
        queue(1, 100); // 101 bytes
        QueueLimits limits = bytes(202);
        assertThat(victims(3, 100, limits)).isEmpty();
        assertThat(victims(3, 101, bytes(202))).hasSize(1);
    }

    @Test
    void refusesWithoutEvictingWhenLowerMessagesDoNotFreeEnoughBytes() throws Exception {
        queue(1, 10);
        queue(5, 500);
        QueueLimits limits = bytes(600);
        assertThatThrownBy(() -> victims(5, 500, limits)).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("max.queue.bytes 600");
    }

    @Test
    void walksMoreThanOneChunkOfCandidates() throws Exception {
        for (int i = 0; i < 20; i++) {
            queue(1, 0); // 1 byte each (topic "t")
        }
        QueueLimits limits = bytes(20);
        assertThat(sequences(victims(2, 11, limits))).hasSize(12).startsWith(1L, 2L).endsWith(12L);
    }

    @Test
    void aQueueOverALoweredLimitIsNotTrimmedByOneMessage() throws Exception {
        for (int i = 0; i < 5; i++) {
            queue(1, 1);
        }
        assertThat(sequences(victims(2, 1, size(2)))).containsExactly(1L);
    }

    @Test
    void refusesAMessageLargerThanTheWholeQueue() throws Exception {
        QueueLimits limits = new QueueLimits(100, 50, 50, 0);
        assertThatThrownBy(() -> victims(10, 50, limits)).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("51 bytes");
    }
}
