package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the store knows of one connection's messages: its queue, by priority and oldest first; its inflight
 * messages (handed to the broker, not yet acknowledged); and its queue counters. Made from the database when the
 * connection is first used, then kept in step with it: every change is made here, marked in {@link RowChanges},
 * and written at the end of the batch. The rows it keeps in memory, and the reading of the others a page at a
 * time, are {@link ConnectionRows}'. The counters come from SQL totals when the connection is first used. Used
 * only by work running on the database.
 */
final class ConnectionMessages {
    final String name;
    final QueueCounters counters = new QueueCounters();
    private final ConnectionRows memory;
    private final Map<Long, MessageRow> inflight;
    private final RowChanges changes;

    private ConnectionMessages(String name, RowChanges changes) {
        this.name = name;
        this.changes = changes;
        this.memory = new ConnectionRows(name, counters, changes);
        this.inflight = memory.inflight;
    }

    /**
     * Reads what the store must know of a connection: the totals of its queue, and the rows whose header does not
     * describe them alone (those holding inflight messages stay in memory). Queued rows are read when the drain
     * needs them.
     */
    static ConnectionMessages load(Transaction tx, String name, RowChanges changes) throws SQLException {
        ConnectionMessages messages = new ConnectionMessages(name, changes);
        RowTable.queuedTotals(tx, name, messages.counters);
        List<MessageRow> irregular = RowTable.irregular(tx, name);
        changes.read(irregular);
        for (MessageRow row : irregular) {
            if (messages.memory.read(tx, row, true, false).isEmpty() && row.empty()) {
                continue; // set aside
            }
            for (StoredMessage m : row.messages()) {
                if (row.isInflight(m.sequence())) {
                    messages.inflight.put(m.sequence(), row);
                } else {
                    messages.counters.add(row.priority, m.message().sizeBytes());
                }
            }
            if (!row.holdsInflight()) {
                row.unload();
            }
        }
        return messages;
    }

    /** Adds a message to the queue, giving it the next sequence. */
    StoredMessage enqueue(Transaction tx, OutgoingMessage message, long storedAt) {
        return append(tx, message, storedAt, false);
    }

    /** Records a message about to be sent at once, skipping the queue. */
    StoredMessage addInflight(Transaction tx, OutgoingMessage message, long storedAt) {
        return append(tx, message, storedAt, true);
    }

    private StoredMessage append(Transaction tx, OutgoingMessage message, long storedAt, boolean inflightNow) {
        MessageRow row = memory.openRow(tx, message.priority(), inflightNow);
        StoredMessage stored = new StoredMessage(tx.nextSequence(), message, storedAt);
        row.add(stored);
        changes.changed(row);
        if (inflightNow) {
            inflight.put(stored.sequence(), row);
        } else {
            counters.add(message.priority(), message.sizeBytes());
        }
        return stored;
    }

    /** Records messages that keep their sequences, replacing any inflight record of the same sequence. */
    void addInflight(Transaction tx, List<StoredMessage> messages) throws SQLException {
        List<Long> sequences = messages.stream().map(StoredMessage::sequence).toList();
        acknowledge(tx, sequences);
        removeQueued(tx, sequences); // a message moved from the queue this way leaves it
        Map<Integer, MessageRow> rows = new HashMap<>();
        for (StoredMessage m : messages.stream().sorted(Comparator.comparingLong(StoredMessage::sequence)).toList()) {
            MessageRow row = rows.get(m.message().priority());
            if (row == null || row.full()) {
                row = new MessageRow(tx.nextSequence(), name, m.message().priority(), true);
                rows.put(row.priority, row);
            }
            row.add(m);
            changes.changed(row);
            inflight.put(m.sequence(), row);
        }
    }

    /** The next queued messages in delivery order, without taking them; expired ones too. */
    List<StoredMessage> peek(Transaction tx, int limit) throws SQLException {
        return next(tx, limit, false, 0, null);
    }

    /**
     * Hands the next queued messages to inflight, in delivery order; those past their expiry (their own, else
     * {@code expiry} ms, 0 for none) are removed instead and added to {@code expired}.
     */
    List<StoredMessage> take(Transaction tx, int limit, long expiry, List<StoredMessage> expired)
            throws SQLException {
        return next(tx, limit, true, expiry, expired);
    }

    private List<StoredMessage> next(Transaction tx, int limit, boolean take, long expiry,
            List<StoredMessage> expired) throws SQLException {
        List<StoredMessage> next = new ArrayList<>();
        long now = take ? tx.now() : 0;
        for (int p = OutgoingMessage.MAX_PRIORITY; p >= OutgoingMessage.MIN_PRIORITY && next.size() < limit; p--) {
            List<MessageRow> rows = memory.window(p);
            for (int i = 0; next.size() < limit && (i < rows.size() || memory.page(tx, p)); ) {
                MessageRow row = rows.get(i);
                Set<Long> gone = new HashSet<>();
                for (StoredMessage m : memory.read(tx, row, take, true)) {
                    if (next.size() == limit) {
                        break;
                    }
                    if (row.isInflight(m.sequence())) {
                        continue;
                    }
                    if (take && expired(m, now, expiry)) {
                        gone.add(m.sequence());
                        expired.add(m);
                        continue;
                    }
                    next.add(m);
                    if (take) {
                        if (!row.committed()) {
                            tx.readsUncommitted();
                        }
                        row.markInflight(m.sequence());
                        inflight.put(m.sequence(), row);
                        counters.remove(p, m.message().sizeBytes());
                        changes.changed(row);
                    }
                }
                remove(row, gone);
                if (row.hasQueued()) {
                    i++;
                } else {
                    memory.leave(rows.remove(i));
                }
            }
        }
        return next;
    }

    /**
     * Removes up to {@code limit} queued messages past their expiry: their own, else {@code expiry} ms (0 for
     * none). Those expiring by {@code expiry} are the oldest, at the head of each priority's queue; those with an
     * expiry of their own are found by the rows' earliest expiry.
     */
    List<StoredMessage> expire(Transaction tx, long expiry, int limit) throws SQLException {
        long now = tx.now();
        List<StoredMessage> expired = new ArrayList<>();
        if (expiry > 0) {
            for (int p = OutgoingMessage.MAX_PRIORITY; p >= OutgoingMessage.MIN_PRIORITY; p--) {
                List<MessageRow> rows = memory.window(p);
                int visited = 0;
                for (int i = 0; expired.size() < limit && visited < limit && (i < rows.size() || memory.page(tx, p)); ) {
                    MessageRow row = rows.get(i);
                    if (now - row.storedAt() <= expiry) {
                        break; // the rows of a priority come in the order of the store's clock
                    }
                    visited++;
                    removeExpired(tx, row, now, expiry, limit, expired);
                    if (row.hasQueued()) {
                        i++;
                    } else {
                        memory.leave(rows.remove(i));
                    }
                }
            }
        }
        if (expired.size() < limit) {
            for (MessageRow row : memory.known(RowTable.expiring(tx, name, now, limit - expired.size()), true)) {
                removeExpired(tx, row, now, expiry, limit, expired);
                if (!row.hasQueued() && memory.window(row.priority).remove(row)) {
                    memory.leave(row);
                }
            }
        }
        return expired;
    }

    private void removeExpired(Transaction tx, MessageRow row, long now, long expiry, int limit,
            List<StoredMessage> expired) throws SQLException {
        Set<Long> gone = new HashSet<>();
        for (StoredMessage m : memory.read(tx, row, true, true)) {
            if (expired.size() == limit) {
                break;
            }
            if (!row.isInflight(m.sequence()) && expired(m, now, expiry)) {
                gone.add(m.sequence());
                expired.add(m);
            }
        }
        remove(row, gone);
    }

    /** Whether a message is past its own expiry, or else past {@code expiry} ms (0: none). */
    private static boolean expired(StoredMessage m, long now, long expiry) {
        long own = m.message().expiry().toMillis();
        long limit = own > 0 ? own : expiry;
        return limit > 0 && now - m.storedAtMillis() > limit;
    }

    /** Marks queued messages of a row gone, and takes them off the counters. */
    private void remove(MessageRow row, Set<Long> sequences) {
        if (sequences.isEmpty()) {
            return;
        }
        for (StoredMessage m : row.messages()) {
            if (sequences.contains(m.sequence())) {
                counters.remove(row.priority, m.message().sizeBytes());
            }
        }
        row.remove(sequences);
        changes.changed(row);
    }

    /** The oldest queued messages of one priority whose sequence is above {@code after}, for eviction. */
    List<StoredMessage> oldestQueued(Transaction tx, int priority, long after, int limit) throws SQLException {
        List<StoredMessage> oldest = new ArrayList<>();
        List<MessageRow> rows = memory.window(priority);
        for (int i = 0; oldest.size() < limit && (i < rows.size() || memory.page(tx, priority)); i++) {
            MessageRow row = rows.get(i);
            for (StoredMessage m : memory.read(tx, row, false, true)) {
                if (oldest.size() == limit) {
                    break;
                }
                if (m.sequence() > after && !row.isInflight(m.sequence())) {
                    oldest.add(m);
                }
            }
        }
        return oldest;
    }

    /**
     * Removes queued messages by sequence; returns those removed. Inflight and unknown sequences are ignored.
     * Rows past the windows are looked up in the database.
     */
    List<StoredMessage> removeQueued(Transaction tx, Collection<Long> sequences) throws SQLException {
        Set<Long> wanted = new HashSet<>(sequences);
        List<StoredMessage> removed = new ArrayList<>();
        if (wanted.isEmpty()) {
            return removed;
        }
        long lowest = Collections.min(wanted);
        long highest = Collections.max(wanted);
        for (int p = OutgoingMessage.MIN_PRIORITY; p <= OutgoingMessage.MAX_PRIORITY; p++) {
            List<MessageRow> rows = memory.window(p);
            for (int i = 0; i < rows.size() && rows.get(i).firstSequence() <= highest; ) {
                MessageRow row = rows.get(i); // the rows of a priority come in sequence order
                removeFrom(tx, row, wanted, lowest, highest, removed);
                if (row.hasQueued()) {
                    i++;
                } else {
                    memory.leave(rows.remove(i));
                }
            }
            if (!memory.complete(p)) {
                for (MessageRow row : memory.known(RowTable.overlapping(tx, name, p, memory.after(p), lowest, highest), false)) {
                    removeFrom(tx, row, wanted, lowest, highest, removed);
                }
                for (MessageRow row : memory.outside(p)) {
                    removeFrom(tx, row, wanted, lowest, highest, removed);
                }
            }
        }
        return removed;
    }

    private void removeFrom(Transaction tx, MessageRow row, Set<Long> wanted, long lowest, long highest,
            List<StoredMessage> removed) throws SQLException {
        if (row.lastSequence() < lowest || row.firstSequence() > highest
                || wanted.stream().noneMatch(row::contains)) {
            return;
        }
        boolean wasLoaded = row.loaded();
        List<StoredMessage> hits = memory.read(tx, row, true, true).stream()
                .filter(m -> wanted.contains(m.sequence()) && !row.isInflight(m.sequence())).toList();
        if (hits.isEmpty()) {
            if (!wasLoaded && !row.empty()) {
                row.unload(); // unchanged, so the end of the batch would not unload it
            }
            return;
        }
        row.remove(hits.stream().map(StoredMessage::sequence).collect(Collectors.toSet()));
        changes.changed(row);
        hits.forEach(m -> counters.remove(row.priority, m.message().sizeBytes()));
        removed.addAll(hits);
    }

    /** Drops the inflight records of acknowledged messages; unknown sequences are ignored. */
    void acknowledge(Transaction tx, Collection<Long> sequences) throws SQLException {
        Map<MessageRow, Set<Long>> byRow = new LinkedHashMap<>();
        for (long sequence : sequences) {
            MessageRow row = inflight.remove(sequence);
            if (row != null) {
                byRow.computeIfAbsent(row, r -> new HashSet<>()).add(sequence);
            }
        }
        for (Map.Entry<MessageRow, Set<Long>> entry : byRow.entrySet()) {
            if (!memory.read(tx, entry.getKey(), true, true).isEmpty()) {
                entry.getKey().remove(entry.getValue());
                changes.changed(entry.getKey());
            }
        }
    }

    /** The inflight messages in sequence order. */
    List<StoredMessage> inflight(Transaction tx) throws SQLException {
        List<StoredMessage> list = new ArrayList<>();
        for (MessageRow row : new HashSet<>(inflight.values())) {
            for (StoredMessage m : memory.read(tx, row, true, true)) {
                if (inflight.get(m.sequence()) == row) {
                    list.add(m);
                }
            }
        }
        list.sort(Comparator.comparingLong(StoredMessage::sequence));
        return list;
    }

    int inflightCount() {
        return inflight.size();
    }

    /** When the oldest queued message was stored, or -1 when the queue is empty. */
    long oldestStoredAt(Transaction tx) throws SQLException {
        long oldest = Long.MAX_VALUE;
        for (int p = OutgoingMessage.MIN_PRIORITY; p <= OutgoingMessage.MAX_PRIORITY; p++) {
            List<MessageRow> rows = memory.window(p);
            if (rows.isEmpty() && !memory.page(tx, p)) {
                continue;
            }
            MessageRow head = rows.get(0);
            long at = head.loaded() ? head.queued().get(0).storedAtMillis() : head.storedAt();
            oldest = Math.min(oldest, at);
        }
        return oldest == Long.MAX_VALUE ? -1 : oldest;
    }

    /** Every row in memory: in a window or holding inflight messages. */
    Set<MessageRow> rows() {
        return memory.rows();
    }

    /** The batch is written: see {@link ConnectionRows#endOfBatch}. */
    void endOfBatch() {
        memory.endOfBatch();
    }
}
