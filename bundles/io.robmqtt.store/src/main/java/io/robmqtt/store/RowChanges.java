package io.robmqtt.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the open transaction changed in the rows, and the writing of it: the one place that knows which rows exist
 * in the database and which are committed. Work marks the rows it changes ({@link #changed}); at the end of each
 * batch new rows are inserted, changed ones updated in place and emptied ones deleted ({@link #write}); a commit
 * makes them committed, a rollback makes every row read before the next commit uncertain.
 */
final class RowChanges {
    private final Set<MessageRow> changed = new LinkedHashSet<>();
    /** Rows written since the last commit. */
    private final List<MessageRow> uncommitted = new ArrayList<>();
    /** After a rollback, rows read before the next commit may hold uncommitted work of earlier batches. */
    private boolean uncertain;

    /** The work of this batch changed the row: it is written at the end of the batch. */
    void changed(MessageRow row) {
        changed.add(row);
    }

    /** Rows just read from the database: after a rollback they may hold work that is not committed. */
    void read(Collection<MessageRow> rows) {
        if (uncertain) {
            for (MessageRow row : rows) {
                row.committed(false);
                uncommitted.add(row);
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
        for (MessageRow row : changed) {
            if (row.empty()) {
                if (row.persisted()) {
                    deleted.add(row.id);
                    row.persisted(false);
                }
            } else if (!row.persisted()) {
                RowTable.insert(tx, row);
                row.persisted(true);
                uncommitted.add(row);
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
        uncommitted.forEach(row -> row.committed(true));
        uncommitted.clear();
        uncertain = false;
    }

    void rolledBack() {
        changed.clear();
        uncommitted.clear();
        uncertain = true;
    }
}
