package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.common.LogValue;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows of one connection that the store keeps in memory, and how it reads the others: a window at the head of
 * each priority's queue (the rows' summaries, not their messages; at most {@value #WINDOW} rows after each
 * batch), read further a page at a time by the index on the rows' connection, priority and id; the rows holding
 * inflight messages; and the rows this batch writes new messages to. Memory does not grow with the queue.
 * {@link ConnectionMessages} works on the messages through it. Used only by work running on the database.
 */
final class ConnectionRows {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionRows.class);
    private static final int PRIORITIES = OutgoingMessage.MAX_PRIORITY + 1;
    /** Queued rows of one priority kept in memory after a batch. */
    static final int WINDOW = 64;
    /** Rows read from the database at a time. */
    private static final int PAGE = 64;

    private final String name;
    private final QueueCounters counters;
    final RowChanges changes;
    /** The rows holding each inflight message, by sequence. */
    final Map<Long, MessageRow> inflight = new HashMap<>();
    /** Each priority's head of the queue: its oldest queued rows in order, all of them when {@link #complete}. */
    private final List<List<MessageRow>> window = new ArrayList<>(PRIORITIES);
    /** Whether the window holds every queued row of the priority; when not, the others follow in the database. */
    private final boolean[] complete = new boolean[PRIORITIES];
    /** The highest row id known to hold nothing queued, or cut from the window: the database is read after it. */
    private final long[] through = new long[PRIORITIES];
    /** New rows of this batch, not written yet, that are not in their priority's window (it is not complete). */
    private final List<List<MessageRow>> outside = new ArrayList<>(PRIORITIES);
    /** The rows new messages of this batch go to: queued ones by priority, then inflight ones by priority. */
    private final MessageRow[] open = new MessageRow[PRIORITIES * 2];

    ConnectionRows(String name, QueueCounters counters, RowChanges changes) {
        this.name = name;
        this.counters = counters;
        this.changes = changes;
        for (int p = 0; p < PRIORITIES; p++) {
            window.add(new ArrayList<>());
            outside.add(new ArrayList<>());
            through[p] = Long.MIN_VALUE;
        }
    }

    /** A priority's window: its oldest queued rows in memory, in order. */
    List<MessageRow> window(int priority) {
        return window.get(priority);
    }

    /** Whether the window holds every queued row of the priority. */
    boolean complete(int priority) {
        return complete[priority];
    }

    /** New rows of this batch not in their priority's window. */
    List<MessageRow> outside(int priority) {
        return outside.get(priority);
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
    boolean page(Transaction tx, int priority) throws SQLException {
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
    long after(int priority) {
        List<MessageRow> rows = window.get(priority);
        return rows.isEmpty() ? through[priority] : Math.max(through[priority], rows.get(rows.size() - 1).id);
    }

    /**
     * Rows read from the database, each replaced by the one in memory where there is one: holding inflight
     * messages, changed by this batch, or with {@code windows}, in a window (rows read past a window cannot be).
     */
    List<MessageRow> known(List<MessageRow> read, boolean windows) {
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
    List<StoredMessage> read(Transaction tx, MessageRow row, boolean keep, boolean counted)
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

    MessageRow openRow(Transaction tx, int priority, boolean inflight) {
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
    void leave(MessageRow row) {
        through[row.priority] = Math.max(through[row.priority], row.id);
        for (int i = 0; i < open.length; i++) {
            if (open[i] == row) {
                open[i] = null;
            }
        }
    }
}
