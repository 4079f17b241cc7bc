package io.robmqtt.store;

import io.robmqtt.api.store.StoredMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * One row of the store as kept in memory: messages of one connection and one priority that were written in the
 * same commit, up to {@value #MAX_MESSAGES}. The row is the unit of SQLite work, so that a busy gateway pays
 * one row insert per commit rather than one per message.
 *
 * <p>The messages up to {@link #takenThrough} have been handed to the broker (they are inflight); the rest are
 * queued. A message leaves the row when it is acknowledged, evicted or removed; the row is rewritten at the end
 * of the database batch, and deleted once it holds nothing.
 */
final class MessageBatch {
    static final int MAX_MESSAGES = 128;

    final long id;
    final String connection;
    final int priority;
    /** The messages in sequence order; null until read from the database. */
    private List<StoredMessage> messages;
    private int count;
    private long size;
    private long storedAt;
    private long firstSequence;
    private long lastSequence;
    private long takenThrough;
    /** A row of messages sent as soon as they are stored: every message added is inflight. */
    private final boolean sentAtOnce;
    /** Whether the row exists in the database, as of the open transaction. */
    boolean persisted;
    /** Whether messages left the row since it was last written. */
    boolean changed;

    /** A new row, not yet written. */
    MessageBatch(long id, String connection, int priority, boolean taken) {
        this.id = id;
        this.connection = connection;
        this.priority = priority;
        this.messages = new ArrayList<>();
        this.takenThrough = id - 1; // the messages of a row come at or after its id
        this.sentAtOnce = taken;
    }

    /** A row read from the database, its messages not yet read. */
    MessageBatch(long id, String connection, int priority, int count, long size, long storedAt, long firstSequence,
            long lastSequence, long takenThrough) {
        this.id = id;
        this.connection = connection;
        this.priority = priority;
        this.count = count;
        this.size = size;
        this.storedAt = storedAt;
        this.firstSequence = firstSequence;
        this.lastSequence = lastSequence;
        this.takenThrough = takenThrough;
        this.sentAtOnce = false;
        this.persisted = true;
    }

    boolean loaded() {
        return messages != null;
    }

    void load(List<StoredMessage> read) {
        messages = new ArrayList<>(read);
    }

    /** The messages, in sequence order; the row must be loaded. */
    List<StoredMessage> messages() {
        return messages;
    }

    boolean full() {
        return messages.size() >= MAX_MESSAGES;
    }

    void add(StoredMessage message) {
        messages.add(message);
        summarize();
        if (sentAtOnce) {
            takenThrough = lastSequence;
        }
    }

    /** Removes the messages that match; true if any did. */
    boolean removeIf(Predicate<StoredMessage> which) {
        if (!messages.removeIf(which)) {
            return false;
        }
        changed = true;
        summarize();
        return true;
    }

    boolean removeSequences(Collection<Long> sequences) {
        return removeIf(m -> sequences.contains(m.sequence()));
    }

    boolean taken(long sequence) {
        return sequence <= takenThrough;
    }

    void take(long sequence) {
        takenThrough = sequence;
    }

    /** Whether it holds messages not yet handed to the broker. */
    boolean hasQueued() {
        return count > 0 && lastSequence > takenThrough;
    }

    /** The queued messages, in sequence order; the row must be loaded. */
    List<StoredMessage> queued() {
        return messages.stream().filter(m -> !taken(m.sequence())).toList();
    }

    boolean contains(long sequence) {
        return count > 0 && sequence >= firstSequence && sequence <= lastSequence;
    }

    boolean empty() {
        return count == 0;
    }

    int count() {
        return count;
    }

    long size() {
        return size;
    }

    long storedAt() {
        return storedAt;
    }

    long firstSequence() {
        return firstSequence;
    }

    long lastSequence() {
        return lastSequence;
    }

    long takenThrough() {
        return takenThrough;
    }

    private void summarize() {
        count = messages.size();
        size = 0;
        storedAt = Long.MAX_VALUE;
        for (StoredMessage m : messages) {
            size += m.message().sizeBytes();
            storedAt = Math.min(storedAt, m.storedAtMillis());
        }
        if (count > 0) {
            firstSequence = messages.get(0).sequence();
            lastSequence = messages.get(count - 1).sequence();
        }
    }
}
