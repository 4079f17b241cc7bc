package io.robmqtt.api.store;

import java.util.List;

/**
 * The outcome of storing a message in the offline queue.
 *
 * @param stored the message as stored, with its sequence
 * @param evicted the less important messages removed to make room for it, oldest of the lowest priority
 *     first; usually empty
 */
public record Enqueued(StoredMessage stored, List<StoredMessage> evicted) {
    /** Copies {@code evicted}, so the record cannot change under its holder. */
    public Enqueued {
        evicted = List.copyOf(evicted);
    }
}
