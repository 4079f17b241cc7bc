package io.robmqtt.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the open transaction changed in the rows, and the writing of it: the one place that knows which rows exist
 * in the database and which are committed. Work marks the rows it changes ({@link #changed}); at the end of each
 * batch new rows are inserted, changed ones updated in place and emptied ones deleted ({@link #write}); a commit
 * makes them committed, a rollback makes every row read before the next commit uncertain.
 */
final class RowChanges {
    /** Rows changed by this batch, by id. */
    private final Map<Long, MessageRow> changed = new LinkedHashMap<>();
    /** Rows written since the last commit, by id. */
    private final Map<Long, MessageRow> uncommitted = new LinkedHashMap<>();
    /** After a rollback, rows read before the next commit may hold uncommitted work of earlier batches. */
    private boolean uncertain;

    /** The work of this batch changed the row: it is written at the end of the batch. */
    void changed(MessageRow row) {
        changed.put(row.id, row);
    }

    /**
     * The row of this id that the batch changed and has not written yet, or null. A row read from the database
     * again before the end of the batch must be this one: the file does not hold its changes yet.
     */
    MessageRow unwritten(long id) {
        return changed.get(id);
    }

    /**
     * Rows just read from the database: those written since the last commit are not committed (the store may
     * have forgotten a row it wrote, and read it again), and after a rollback none read before the next commit
     * may be.
     */
    void read(Collection<MessageRow> rows) {
        for (MessageRow row : rows) {
            if (uncertain || uncommitted.containsKey(row.id)) {
                row.committed(false);
                uncommitted.put(row.id, row);
            }
        }
    }

    /** The row was moved to the table of damaged rows: it holds nothing any more, and is gone from its table. */
    void setAside(MessageRow row) {
        row.setAside();
        row.persisted(false);
    }

    /** Writes what this batch changed, inside its transaction; false when it changed nothing. */
    boolean write(Transaction tx) throws SQLException {
        if (changed.isEmpty()) {
            return false;
        }
        List<Long> deleted = new ArrayList<>();
        for (MessageRow row : changed.values()) {
            if (row.empty()) {
                if (row.persisted()) {
                    deleted.add(row.id);
                    row.persisted(false);
                }
            } else if (!row.persisted()) {
                RowTable.insert(tx, row);
                row.persisted(true);
                uncommitted.put(row.id, row);
            } else {
                RowTable.updateState(tx, row);
            }
            if (!row.holdsInflight()) {
                row.unload(); // read again when needed: memory holds the messages in flight, not the queue
            }
        }
        if (!deleted.isEmpty()) {
            RowTable.delete(tx, deleted);
        }
        changed.clear();
        return true;
    }

    void committed() {
        uncommitted.values().forEach(row -> row.committed(true));
        uncommitted.clear();
        uncertain = false;
    }

    void rolledBack() {
        changed.clear();
        uncommitted.clear();
        uncertain = true;
    }
}
