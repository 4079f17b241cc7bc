package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.store.StoredMessage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what a new message may displace from a full queue: the oldest messages of the lowest priority
 * strictly below its own, as few as make room. It never displaces a message as important as the new one or
 * more; when that would be needed, the new message is refused and nothing is displaced.
 *
 * <p>Room means one free slot under {@code max.queue.size} and the new message's bytes under
 * {@code max.queue.bytes}. A queue already over a lowered limit is not trimmed by a new message: the new
 * message displaces only as much as it adds, so the queue shrinks to the limit as it drains.
 */
final class PriorityEvictionPolicy {
    private static final int CHUNK = 8;

    /** The oldest queued messages of one priority whose sequence is above {@code afterSequence}. */
    @FunctionalInterface
    interface Candidates {
        List<StoredMessage> oldest(int priority, long afterSequence, int limit) throws SQLException;
    }

    private PriorityEvictionPolicy() {}

    /**
     * @return the messages to evict, in the order chosen; empty when there is room
     * @throws QueueFullException when there is no room and not enough less important messages
     */
    static List<StoredMessage> victims(OutgoingMessage incoming, QueueCounters queue, QueueLimits limits,
            Candidates candidates) throws SQLException {
        long size = incoming.sizeBytes();
        if (size > limits.maxQueueBytes()) {
            throw new QueueFullException("the message takes " + size + " bytes, more than max.queue.bytes ("
                    + limits.maxQueueBytes() + ") allows the whole queue");
        }
        boolean needSlot = queue.count() >= limits.maxQueueSize();
        long bytesToFree = Math.min(size, queue.bytes() + size - limits.maxQueueBytes());
        List<StoredMessage> victims = new ArrayList<>();
        for (int p = OutgoingMessage.MIN_PRIORITY; p < incoming.priority() && (needSlot || bytesToFree > 0); p++) {
            if (queue.count(p) == 0) {
                continue;
            }
            long after = 0;
            List<StoredMessage> chunk;
            do {
                chunk = candidates.oldest(p, after, CHUNK);
                for (StoredMessage victim : chunk) {
                    if (!needSlot && bytesToFree <= 0) {
                        break;
                    }
                    victims.add(victim);
                    needSlot = false;
                    bytesToFree -= victim.message().sizeBytes();
                }
                if (!chunk.isEmpty()) {
                    after = chunk.get(chunk.size() - 1).sequence();
                }
            } while ((needSlot || bytesToFree > 0) && chunk.size() == CHUNK);
        }
        if (needSlot || bytesToFree > 0) {
            throw new QueueFullException(fullMessage(incoming, queue, limits));
        }
        return victims;
    }

    private static String fullMessage(OutgoingMessage incoming, QueueCounters queue, QueueLimits limits) {
        return "offline queue is full (" + queue.count() + " of max.queue.size " + limits.maxQueueSize()
                + " messages, " + queue.bytes() + " of max.queue.bytes " + limits.maxQueueBytes()
                + " bytes) and holds no message of lower priority than " + incoming.priority()
                + " to make room; a message is never evicted for one of equal or lower priority";
    }
}
