package io.robmqtt.api.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.QueueStatistics;
import io.robmqtt.api.StoreException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable offline queue: messages accepted for a connection and not yet handed to its broker.
 *
 * <p>Each connection has its own queue, named by the connection's name; capacity limits apply to each
 * connection's queue separately. Messages come out highest priority first and, within a priority, in
 * sequence order.
 */
@ProviderType
public interface OfflineQueue {

    /**
     * Stores a message and returns once it is durable. When the queue is full, the oldest message of the lowest
     * priority strictly below the new message's is evicted, as often as needed to make room.
     *
     * @param connection the connection's name
     * @param message the message
     * @return the stored message and what was evicted for it
     * @throws IllegalArgumentException if the payload is larger than the store allows; nothing was stored
     * @throws QueueFullException if there is no room and nothing less important to evict; nothing changed
     * @throws StoreException if the message could not be written; nothing changed
     */
    Enqueued enqueue(String connection, OutgoingMessage message);

    /**
     * Like {@link #enqueue(String, OutgoingMessage)}, but returns at once; messages submitted together share a
     * transaction and one fsync. The stage completes once the message is durable, or exceptionally with the
     * exceptions {@code enqueue} would throw. As nobody waits on the call, an implementation may delay the
     * commit by a few milliseconds so that more messages share it.
     *
     * @param connection the connection's name
     * @param message the message
     * @return a stage completing with the outcome
     */
    CompletionStage<Enqueued> enqueueAsync(String connection, OutgoingMessage message);

    /**
     * Returns the next messages without removing them: highest priority first, then by sequence.
     *
     * @param connection the connection's name
     * @param limit the most messages to return, at least 1
     * @return up to {@code limit} messages, in delivery order
     */
    List<StoredMessage> peek(String connection, int limit);

    /**
     * Takes the next messages out of the queue and records them in the {@link InflightStore} of the same store,
     * atomically: a message is always in one of the two, never in neither. This is how a connection drains its
     * queue.
     *
     * <p>Returns as soon as the move is made, without waiting for it to be durable, so that the caller can send
     * the messages while the move is committed. That is safe because the move is atomic: if it is lost (the
     * process dies or the commit fails), the messages are still in the queue and are sent again, which is a
     * duplicate and never a loss. Work done after this call sees the move. It never returns a message whose
     * enqueue is not durable yet: it waits for that commit (or makes it) first.
     *
     * <p>Messages past their expiry are not taken: they are removed as by {@link #expire}, and dropped from the
     * result.
     *
     * @param connection the connection's name
     * @param limit the most messages to take, at least 1
     * @return the messages taken, in delivery order; empty when the queue is empty
     */
    default List<StoredMessage> moveToInflight(String connection, int limit) {
        return moveToInflight(connection, limit, Duration.ZERO).inflight();
    }

    /**
     * Like {@link #moveToInflight(String, int)}, but reports the messages it found past their expiry and
     * removed instead of taking them.
     *
     * @param connection the connection's name
     * @param limit the most messages to take, at least 1
     * @param expiry the expiry of messages that have none of their own; {@link Duration#ZERO} for none
     * @return the messages taken, in delivery order, and those removed as expired
     * @since 1.1
     */
    Moved moveToInflight(String connection, int limit, Duration expiry);

    /**
     * The outcome of {@link #moveToInflight(String, int, Duration)}.
     *
     * @param inflight the messages taken, in delivery order
     * @param expired the messages removed because they were past their expiry
     * @since 1.1
     */
    record Moved(List<StoredMessage> inflight, List<StoredMessage> expired) {
        /** Copies the lists. */
        public Moved {
            inflight = List.copyOf(inflight);
            expired = List.copyOf(expired);
        }
    }

    /**
     * Removes durably up to {@code limit} queued messages that are past their expiry: the message's own
     * ({@link OutgoingMessage#expiry()}), else {@code expiry}. Age counts from {@link StoredMessage#storedAtMillis()}
     * on the store's clock. Inflight messages are never removed.
     *
     * @param connection the connection's name
     * @param expiry the expiry of messages that have none of their own; {@link Duration#ZERO} for none
     * @param limit the most messages to remove, at least 1
     * @return the messages removed
     * @since 1.1
     */
    List<StoredMessage> expire(String connection, Duration expiry, int limit);

    /**
     * Removes messages durably; sequences that are not queued are ignored.
     *
     * @param connection the connection's name
     * @param sequences the messages to remove
     */
    void remove(String connection, Collection<Long> sequences);

    /**
     * A snapshot of the connection's queue.
     *
     * @param connection the connection's name
     * @return its statistics
     */
    QueueStatistics statistics(String connection);
}
