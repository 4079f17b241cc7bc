package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store knows of one connection's messages: its queued rows by priority, oldest first; its inflight
 * messages (handed to the broker, not yet acknowledged) and the rows holding them; and its queue counters.
 * Loaded from the database when the connection is first used, then kept in step with it: every change is
 * made here, marked in {@link RowChanges}, and written at the end of the batch. Used only by work running on
 * the database.
 */
final class ConnectionMessages {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionMessages.class);
    private static final int PRIORITIES = OutgoingMessage.MAX_PRIORITY + 1;

    final String name;
    final QueueCounters counters = new QueueCounters();
    private final List<ArrayDeque<MessageRow>> queued = new ArrayList<>(PRIORITIES);
    private final Map<Long, MessageRow> inflight = new HashMap<>();
    /** The rows new messages of this batch go to: queued ones by priority, then inflight ones by priority. */
    private final MessageRow[] open = new MessageRow[PRIORITIES * 2];
    private final RowChanges changes;

    private ConnectionMessages(String name, RowChanges changes) {
        this.name = name;
        this.changes = changes;
        for (int p = 0; p < PRIORITIES; p++) {
            queued.add(new ArrayDeque<>());
        }
    }

    static ConnectionMessages load(Transaction tx, String name, RowChanges changes) throws SQLException {
        ConnectionMessages rows = new ConnectionMessages(name, changes);
        for (MessageRow row : RowTable.headers(tx, name)) {
            if (row.needsMessages()) {
                if (rows.read(tx, row, true).isEmpty() && row.empty()) {
                    continue; // set aside
                }
                for (StoredMessage m : row.messages()) {
                    if (row.isInflight(m.sequence())) {
                        rows.inflight.put(m.sequence(), row);
                    } else {
                        rows.counters.add(row.priority, m.message().sizeBytes());
                    }
                }
                if (!row.holdsInflight()) {
                    row.unload();
                }
            } else {
                rows.counters.add(row.priority, row.count(), row.size());
            }
            if (row.hasQueued()) {
                rows.queued.get(row.priority).add(row);
            }
        }
        return rows;
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
        MessageRow row = openRow(tx, message.priority(), inflightNow);
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

    /** The next queued messages in delivery order; with {@code take}, hands them to inflight. */
    List<StoredMessage> next(Transaction tx, int limit, boolean take) throws SQLException {
        List<StoredMessage> next = new ArrayList<>();
        for (int p = OutgoingMessage.MAX_PRIORITY; p >= OutgoingMessage.MIN_PRIORITY && next.size() < limit; p--) {
            for (Iterator<MessageRow> it = queued.get(p).iterator(); it.hasNext() && next.size() < limit; ) {
                MessageRow row = it.next();
                for (StoredMessage m : read(tx, row, take)) {
                    if (next.size() == limit) {
                        break;
                    }
                    if (!row.isInflight(m.sequence())) {
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
                }
                if (!row.hasQueued()) {
                    it.remove();
                    close(row);
                }
            }
        }
        return next;
    }

    /** The oldest queued messages of one priority whose sequence is above {@code after}, for eviction. */
    List<StoredMessage> oldestQueued(Transaction tx, int priority, long after, int limit) throws SQLException {
        List<StoredMessage> oldest = new ArrayList<>();
        for (MessageRow row : queued.get(priority)) {
            for (StoredMessage m : read(tx, row, false)) {
                if (oldest.size() == limit) {
                    return oldest;
                }
                if (m.sequence() > after && !row.isInflight(m.sequence())) {
                    oldest.add(m);
                }
            }
        }
        return oldest;
    }

    /** Removes queued messages by sequence; returns those removed. Inflight and unknown sequences are ignored. */
    List<StoredMessage> removeQueued(Transaction tx, Collection<Long> sequences) throws SQLException {
        Set<Long> wanted = new HashSet<>(sequences);
        List<StoredMessage> removed = new ArrayList<>();
        if (wanted.isEmpty()) {
            return removed;
        }
        long lowest = Collections.min(wanted);
        long highest = Collections.max(wanted);
        for (ArrayDeque<MessageRow> rows : queued) {
            for (Iterator<MessageRow> it = rows.iterator(); it.hasNext(); ) {
                MessageRow row = it.next();
                if (row.firstSequence() > highest) {
                    break; // the rows of a priority come in sequence order
                }
                if (row.lastSequence() < lowest || wanted.stream().noneMatch(row::contains)) {
                    continue;
                }
                boolean wasLoaded = row.loaded();
                List<StoredMessage> hits = read(tx, row, true).stream()
                        .filter(m -> wanted.contains(m.sequence()) && !row.isInflight(m.sequence())).toList();
                if (hits.isEmpty()) {
                    if (!wasLoaded && !row.empty()) {
                        row.unload(); // unchanged, so the end of the batch would not unload it
                    }
                    continue;
                }
                row.remove(hits.stream().map(StoredMessage::sequence).collect(Collectors.toSet()));
                changes.changed(row);
                hits.forEach(m -> counters.remove(row.priority, m.message().sizeBytes()));
                removed.addAll(hits);
                if (!row.hasQueued()) {
                    it.remove();
                    close(row);
                }
            }
        }
        return removed;
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
            if (!read(tx, entry.getKey(), true).isEmpty()) {
                entry.getKey().remove(entry.getValue());
                changes.changed(entry.getKey());
            }
        }
    }

    /** The inflight messages in sequence order. */
    List<StoredMessage> inflight(Transaction tx) throws SQLException {
        List<StoredMessage> list = new ArrayList<>();
        for (MessageRow row : new HashSet<>(inflight.values())) {
            for (StoredMessage m : read(tx, row, true)) {
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
    long oldestStoredAt() {
        long oldest = Long.MAX_VALUE;
        for (ArrayDeque<MessageRow> rows : queued) {
            MessageRow head = rows.peekFirst();
            if (head != null) {
                long at = head.loaded() ? head.queued().get(0).storedAtMillis() : head.storedAt();
                oldest = Math.min(oldest, at);
            }
        }
        return oldest == Long.MAX_VALUE ? -1 : oldest;
    }

    /** Every row known: queued or holding inflight messages. */
    Set<MessageRow> rows() {
        Set<MessageRow> all = new HashSet<>(inflight.values());
        queued.forEach(all::addAll);
        return all;
    }

    /** The rows of this batch are written; new messages go to new rows. */
    void closeOpenRows() {
        Arrays.fill(open, null);
    }

    /**
     * The row's messages not gone, kept in memory with {@code keep}. A row whose body does not parse is set aside
     * (moved to {@value Schema#DAMAGED} and forgotten), so that one damaged row stops nothing else; it reads as
     * empty.
     */
    private List<StoredMessage> read(Transaction tx, MessageRow row, boolean keep) throws SQLException {
        try {
            return keep ? RowTable.load(tx, row).messages() : RowTable.messages(tx, row);
        } catch (RowCodec.Damaged e) {
            LOG.error("event=store_row_damaged connection={} row={} messages={} reason=\"{}\": the row is moved to "
                    + "the table {} for inspection, and its messages are not sent", name, row.id, row.count(),
                    e.getMessage());
            RowTable.setAside(tx, row.id);
            if (queued.get(row.priority).contains(row)) { // counted as queued; what it held in flight was read
                counters.remove(row.priority, row.count(), row.size());
            }
            inflight.values().removeIf(r -> r == row);
            changes.setAside(row);
            return List.of();
        }
    }

    private MessageRow openRow(Transaction tx, int priority, boolean inflight) {
        int slot = priority + (inflight ? PRIORITIES : 0);
        MessageRow row = open[slot];
        if (row == null || row.full()) {
            row = new MessageRow(tx.nextSequence(), name, priority, inflight);
            open[slot] = row;
            if (!inflight) {
                queued.get(priority).addLast(row);
            }
        }
        return row;
    }

    /** A row that left the queue takes no new messages: they would not be seen as queued. */
    private void close(MessageRow row) {
        for (int i = 0; i < open.length; i++) {
            if (open[i] == row) {
                open[i] = null;
            }
        }
    }
}
