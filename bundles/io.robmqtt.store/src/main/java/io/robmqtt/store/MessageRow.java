package io.robmqtt.store;

import io.robmqtt.api.store.StoredMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * One row of the store as kept in memory: messages of one connection and one priority that were written in the
 * same commit, up to {@value #MAX_MESSAGES}. The row is the unit of SQLite work, so that a busy gateway pays one
 * row insert per commit rather than one per message.
 *
 * <p>Its messages are written once and never rewritten. What changes is recorded in two small fields of fixed
 * size, which SQLite updates in place: which messages are gone (acknowledged, evicted or removed), and up to
 * which sequence the messages were handed to the broker ({@link #inflightThrough}; those are inflight, the others
 * queued). The row is deleted once every message is gone.
 */
final class MessageRow {
    static final int MAX_MESSAGES = 128;
    /** Past this many bytes of topics and payloads a row takes no more messages (one large message may pass it). */
    static final long MAX_BYTES = 1 << 20;
    /** The size of the gone bitmap in the database: one bit per message. */
    static final int GONE_BYTES = MAX_MESSAGES / 8;

    final long id;
    final String connection;
    final int priority;
    /** Every message written, in sequence order; null until read from the database. */
    private List<StoredMessage> messages;
    private final BitSet gone;
    /** Bytes of topics and payloads written to a new row. */
    private long writtenBytes;
    private long inflightThrough;
    /** A row of messages sent as soon as they are stored: every message added is inflight. */
    private final boolean allInflight;
    // Of the messages not gone:
    private int count;
    private long size;
    private long storedAt;
    private long firstSequence;
    private long lastSequence;
    /** When the first of the messages with an expiry of their own expires; {@link Long#MAX_VALUE} when none has. */
    private long expiresAt = Long.MAX_VALUE;
    // Change tracking, set only by RowChanges (and for a row read from the database, by its constructor):
    /** Whether the row exists in the database, as of the open transaction. */
    private boolean persisted;
    /** Whether the row's messages are committed: false for a row written by the open transaction. */
    private boolean committed;

    /** A new row, not yet written, for messages that come after its id. */
    MessageRow(long id, String connection, int priority, boolean inflight) {
        this(id, connection, priority, inflight, id - 1);
    }

    /** A new row, not yet written; {@code inflightThrough} below its messages' sequences unless {@code inflight}. */
    MessageRow(long id, String connection, int priority, boolean inflight, long inflightThrough) {
        this.id = id;
        this.connection = connection;
        this.priority = priority;
        this.messages = new ArrayList<>();
        this.gone = new BitSet();
        this.inflightThrough = inflightThrough;
        this.allInflight = inflight;
        this.storedAt = Long.MAX_VALUE;
    }

    /**
     * A row read from the database, its messages not yet read. The counts given are of all messages written; if
     * some are gone, {@link #load} corrects them.
     */
    MessageRow(long id, String connection, int priority, int count, long size, long storedAt, long firstSequence,
            long lastSequence, long inflightThrough, byte[] gone, long expiresAt) {
        this.id = id;
        this.connection = connection;
        this.priority = priority;
        this.count = count;
        this.size = size;
        this.storedAt = storedAt;
        this.firstSequence = firstSequence;
        this.lastSequence = lastSequence;
        this.inflightThrough = inflightThrough;
        this.gone = BitSet.valueOf(gone);
        this.expiresAt = expiresAt;
        this.allInflight = false;
        this.persisted = true;
        this.committed = true;
    }

    boolean loaded() {
        return messages != null;
    }

    void load(List<StoredMessage> read) {
        messages = new ArrayList<>(read);
        summarize();
    }

    /** Whether its summary needs its messages: some are gone or inflight. */
    boolean needsMessages() {
        return !gone.isEmpty() || inflightThrough >= firstSequence;
    }

    /** Every message written, gone ones included, in sequence order; the row must be loaded. */
    List<StoredMessage> written() {
        return messages;
    }

    /** The messages not gone, in sequence order; the row must be loaded. */
    List<StoredMessage> messages() {
        return notGone(messages);
    }

    /** Of {@code written}, the row's messages as read from the database, those not gone. */
    List<StoredMessage> notGone(List<StoredMessage> written) {
        List<StoredMessage> live = new ArrayList<>(count);
        for (int i = 0; i < written.size(); i++) {
            if (!gone.get(i)) {
                live.add(written.get(i));
            }
        }
        return live;
    }

    /** Whether a new row takes no more messages. */
    boolean full() {
        return messages.size() >= MAX_MESSAGES || writtenBytes >= MAX_BYTES;
    }

    /** Whether some of its messages were handed to the broker and are not gone. */
    boolean holdsInflight() {
        return count > 0 && firstSequence <= inflightThrough;
    }

    /** The row was set aside (its body does not parse): it holds nothing any more. */
    void setAside() {
        messages = null;
        count = 0;
        size = 0;
    }

    boolean persisted() {
        return persisted;
    }

    void persisted(boolean exists) {
        persisted = exists;
    }

    boolean committed() {
        return committed;
    }

    void committed(boolean done) {
        committed = done;
    }

    /** Drops the messages from memory (they are in the database); the row's summary stays. */
    void unload() {
        messages = null;
    }

    void add(StoredMessage message) {
        messages.add(message);
        if (count == 0) {
            firstSequence = message.sequence();
        }
        count++;
        size += message.message().sizeBytes();
        writtenBytes += message.message().sizeBytes();
        storedAt = Math.min(storedAt, message.storedAtMillis());
        expiresAt = Math.min(expiresAt, ownExpiry(message));
        lastSequence = message.sequence();
        if (allInflight) {
            inflightThrough = lastSequence;
        }
    }

    /** Marks the messages with these sequences gone; true if any was not gone yet. */
    boolean remove(Collection<Long> sequences) {
        boolean removed = false;
        for (int i = 0; i < messages.size(); i++) {
            if (!gone.get(i) && sequences.contains(messages.get(i).sequence())) {
                gone.set(i);
                removed = true;
            }
        }
        if (removed) {
            summarize();
        }
        return removed;
    }

    /** The gone bitmap as stored: always {@value #GONE_BYTES} bytes, so that SQLite can update it in place. */
    byte[] goneBytes() {
        return Arrays.copyOf(gone.toByteArray(), GONE_BYTES);
    }

    boolean isInflight(long sequence) {
        return sequence <= inflightThrough;
    }

    void markInflight(long sequence) {
        inflightThrough = sequence;
    }

    /** Whether it holds messages not yet handed to the broker. */
    boolean hasQueued() {
        return count > 0 && lastSequence > inflightThrough;
    }

    /** The queued messages, in sequence order; the row must be loaded. */
    List<StoredMessage> queued() {
        return messages().stream().filter(m -> !isInflight(m.sequence())).toList();
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

    long inflightThrough() {
        return inflightThrough;
    }

    long expiresAt() {
        return expiresAt;
    }

    /** When a message expires by its own expiry; {@link Long#MAX_VALUE} when it has none. */
    static long ownExpiry(StoredMessage message) {
        long expiry = message.message().expiry().toMillis();
        return expiry == 0 ? Long.MAX_VALUE : message.storedAtMillis() + expiry;
    }

    private void summarize() {
        count = 0;
        size = 0;
        storedAt = Long.MAX_VALUE;
        expiresAt = Long.MAX_VALUE;
        for (int i = 0; i < messages.size(); i++) {
            if (gone.get(i)) {
                continue;
            }
            StoredMessage m = messages.get(i);
            if (count == 0) {
                firstSequence = m.sequence();
            }
            count++;
            size += m.message().sizeBytes();
            storedAt = Math.min(storedAt, m.storedAtMillis());
            expiresAt = Math.min(expiresAt, ownExpiry(m));
            lastSequence = m.sequence();
        }
    }
}
