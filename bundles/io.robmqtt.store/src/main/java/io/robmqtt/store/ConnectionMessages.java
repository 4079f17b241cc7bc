package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.common.LogValue;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store knows of one connection's messages: the head of its queue by priority, oldest first; its
 * inflight messages (handed to the broker, not yet acknowledged) and the rows holding them; and its queue
 * counters. Made from the database when the connection is first used, then kept in step with it: every change
 * is made here, marked in {@link RowChanges}, and written at the end of the batch. Used only by work running on
 * the database.
 *
 * <p>Memory does not grow with the queue. Of each priority's queued rows only a window at the head is kept (the
 * rows' summaries, not their messages): at most {@value #WINDOW} rows after each batch. The rest is read a page
 * at a time, in order, by the index on the rows' connection, priority and id, when the drain or an eviction
 * reaches the end of the window. The counters come from SQL totals when the connection is first used.
 */
final class ConnectionMessages {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionMessages.class);
    private static final int PRIORITIES = OutgoingMessage.MAX_PRIORITY + 1;
    /** Queued rows of one priority kept in memory after a batch. */
    static final int WINDOW = 64;
    /** Rows read from the database at a time. */
    private static final int PAGE = 64;

    final String name;
    final QueueCounters counters = new QueueCounters();
    /** Each priority's head of the queue: its oldest queued rows in order, all of them when {@link #complete}. */
    private final List<List<MessageRow>> window = new ArrayList<>(PRIORITIES);
    /** Whether the window holds every queued row of the priority; when not, the others follow in the database. */
    private final boolean[] complete = new boolean[PRIORITIES];
    /** The highest row id known to hold nothing queued, or cut from the window: the database is read after it. */
    private final long[] through = new long[PRIORITIES];
    /** New rows of this batch, not written yet, that are not in their priority's window (it is not complete). */
    private final List<List<MessageRow>> outside = new ArrayList<>(PRIORITIES);
    private final Map<Long, MessageRow> inflight = new HashMap<>();
    /** The rows new messages of this batch go to: queued ones by priority, then inflight ones by priority. */
    private final MessageRow[] open = new MessageRow[PRIORITIES * 2];
    private final RowChanges changes;

    private ConnectionMessages(String name, RowChanges changes) {
        this.name = name;
        this.changes = changes;
        for (int p = 0; p < PRIORITIES; p++) {
            window.add(new ArrayList<>());
            outside.add(new ArrayList<>());
            through[p] = Long.MIN_VALUE;
        }
    }

    /**
     * Reads what the store must know of a connection: the totals of its queue, and the rows whose header does not
     * describe them alone (those holding inflight messages stay in memory). Queued rows are read when the drain
     * needs them.
     */
    static ConnectionMessages load(Transaction tx, String name, RowChanges changes) throws SQLException {
        ConnectionMessages rows = new ConnectionMessages(name, changes);
        RowTable.queuedTotals(tx, name, rows.counters);
        List<MessageRow> irregular = RowTable.irregular(tx, name);
        changes.read(irregular);
        for (MessageRow row : irregular) {
            if (rows.read(tx, row, true, false).isEmpty() && row.empty()) {
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
            List<MessageRow> rows = window.get(p);
            for (int i = 0; next.size() < limit && (i < rows.size() || page(tx, p)); ) {
                MessageRow row = rows.get(i);
                Set<Long> gone = new HashSet<>();
                for (StoredMessage m : read(tx, row, take, true)) {
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
                    leave(rows.remove(i));
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
                List<MessageRow> rows = window.get(p);
                int visited = 0;
                for (int i = 0; expired.size() < limit && visited < limit && (i < rows.size() || page(tx, p)); ) {
                    MessageRow row = rows.get(i);
                    if (now - row.storedAt() <= expiry) {
                        break; // the rows of a priority come in the order of the store's clock
                    }
                    visited++;
                    removeExpired(tx, row, now, expiry, limit, expired);
                    if (row.hasQueued()) {
                        i++;
                    } else {
                        leave(rows.remove(i));
                    }
                }
            }
        }
        if (expired.size() < limit) {
            for (MessageRow row : known(RowTable.expiring(tx, name, now, limit - expired.size()), true)) {
                removeExpired(tx, row, now, expiry, limit, expired);
                if (!row.hasQueued() && window.get(row.priority).remove(row)) {
                    leave(row);
                }
            }
        }
        return expired;
    }

    private void removeExpired(Transaction tx, MessageRow row, long now, long expiry, int limit,
            List<StoredMessage> expired) throws SQLException {
        Set<Long> gone = new HashSet<>();
        for (StoredMessage m : read(tx, row, true, true)) {
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
        List<MessageRow> rows = window.get(priority);
        for (int i = 0; oldest.size() < limit && (i < rows.size() || page(tx, priority)); i++) {
            MessageRow row = rows.get(i);
            for (StoredMessage m : read(tx, row, false, true)) {
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
            List<MessageRow> rows = window.get(p);
            for (int i = 0; i < rows.size() && rows.get(i).firstSequence() <= highest; ) {
                MessageRow row = rows.get(i); // the rows of a priority come in sequence order
                removeFrom(tx, row, wanted, lowest, highest, removed);
                if (row.hasQueued()) {
                    i++;
                } else {
                    leave(rows.remove(i));
                }
            }
            if (!complete[p]) {
                for (MessageRow row : known(RowTable.overlapping(tx, name, p, after(p), lowest, highest), false)) {
                    removeFrom(tx, row, wanted, lowest, highest, removed);
                }
                for (MessageRow row : outside.get(p)) {
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
        List<StoredMessage> hits = read(tx, row, true, true).stream()
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
            if (!read(tx, entry.getKey(), true, true).isEmpty()) {
                entry.getKey().remove(entry.getValue());
                changes.changed(entry.getKey());
            }
        }
    }

    /** The inflight messages in sequence order. */
    List<StoredMessage> inflight(Transaction tx) throws SQLException {
        List<StoredMessage> list = new ArrayList<>();
        for (MessageRow row : new HashSet<>(inflight.values())) {
            for (StoredMessage m : read(tx, row, true, true)) {
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
            List<MessageRow> rows = window.get(p);
            if (rows.isEmpty() && !page(tx, p)) {
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
        Set<MessageRow> all = new HashSet<>(inflight.values());
        window.forEach(all::addAll);
        return all;
    }

    /**
     * The batch is written: new messages go to new rows, and each window is cut back to {@value #WINDOW} rows
     * (the rows cut are read again when the drain reaches them).
     */
    void endOfBatch() {
        Arrays.fill(open, null);
        for (int p = OutgoingMessage.MIN_PRIORITY; p <= OutgoingMessage.MAX_PRIORITY; p++) {
            outside.get(p).clear();
            List<MessageRow> rows = window.get(p);
            if (rows.size() > WINDOW) {
                while (rows.size() > WINDOW && !rows.get(rows.size() - 1).holdsInflight()) {
                    rows.remove(rows.size() - 1);
                    complete[p] = false;
                }
                through[p] = Math.min(through[p], rows.get(rows.size() - 1).id); // read the rows cut again
            }
        }
    }

    /**
     * Reads the next rows of a priority's queue into its window; false when there are none. Rows already in
     * memory (holding inflight messages, or changed by this batch) are taken as they are.
     */
    private boolean page(Transaction tx, int priority) throws SQLException {
        List<MessageRow> rows = window.get(priority);
        int before = rows.size();
        while (!complete[priority] && rows.size() == before) {
            List<MessageRow> page = RowTable.page(tx, name, priority, after(priority), PAGE);
            for (MessageRow row : known(page, false)) {
                through[priority] = Math.max(through[priority], row.id);
                if (row.needsMessages() && !row.loaded()) {
                    read(tx, row, true, true);
                    if (!row.holdsInflight()) {
                        row.unload();
                    }
                }
                if (row.hasQueued()) {
                    rows.add(row);
                }
            }
            if (page.size() < PAGE) { // the rest of the queue: new rows this batch has not written yet
                complete[priority] = true;
                rows.addAll(outside.get(priority));
                outside.get(priority).clear();
            }
        }
        return rows.size() > before;
    }

    /** The row after which the database holds the rest of a priority's queue. */
    private long after(int priority) {
        List<MessageRow> rows = window.get(priority);
        return rows.isEmpty() ? through[priority] : Math.max(through[priority], rows.get(rows.size() - 1).id);
    }

    /**
     * Rows read from the database, each replaced by the one in memory where there is one: holding inflight
     * messages, changed by this batch, or with {@code windows}, in a window (rows read past a window cannot be).
     */
    private List<MessageRow> known(List<MessageRow> read, boolean windows) {
        Map<Long, MessageRow> held = new HashMap<>();
        inflight.values().forEach(row -> held.put(row.id, row));
        if (windows) {
            window.forEach(rows -> rows.forEach(row -> held.put(row.id, row)));
        }
        List<MessageRow> rows = new ArrayList<>(read.size());
        List<MessageRow> fresh = new ArrayList<>();
        for (MessageRow row : read) {
            MessageRow known = changes.unwritten(row.id);
            if (known == null) {
                known = held.get(row.id);
            }
            if (known == null) {
                fresh.add(row);
                known = row;
            }
            rows.add(known);
        }
        changes.read(fresh);
        return rows;
    }

    /**
     * The row's messages not gone, kept in memory with {@code keep}. A row whose body does not parse is set aside
     * (moved to {@value Schema#DAMAGED} and forgotten), so that one damaged row stops nothing else; it reads as
     * empty; {@code counted} says whether its messages are in the counters yet.
     */
    private List<StoredMessage> read(Transaction tx, MessageRow row, boolean keep, boolean counted)
            throws SQLException {
        try {
            return keep ? RowTable.load(tx, row).messages() : RowTable.messages(tx, row);
        } catch (RowCodec.Damaged e) {
            LOG.error("event=store_row_damaged connection={} row={} messages={} reason={}: the row is moved to "
                    + "the table {} for inspection, and its messages are not sent", LogValue.of(name), row.id,
                    row.count(), LogValue.of(e.getMessage()), Schema.DAMAGED);
            RowTable.setAside(tx, row.id);
            if (counted && row.hasQueued()) { // what it held in flight was read, and is not counted
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
                (complete[priority] ? window : outside).get(priority).add(row);
            }
        }
        return row;
    }

    /** A row that left its window takes no new messages: they would not be seen as queued. */
    private void leave(MessageRow row) {
        through[row.priority] = Math.max(through[row.priority], row.id);
        for (int i = 0; i < open.length; i++) {
            if (open[i] == row) {
                open[i] = null;
            }
        }
    }
}
