package io.robmqtt.api.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.QueueStatistics;
import io.robmqtt.api.StoreException;
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
     * @param connection the connection's name
     * @param limit the most messages to take, at least 1
     * @return the messages taken, in delivery order; empty when the queue is empty
     */
    List<StoredMessage> moveToInflight(String connection, int limit);

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
