package io.robmqtt.store;

import io.robmqtt.store.Database.Transaction;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store's memory of its rows, for every connection, and the writing of what changed in them: the rows new
 * messages went to are inserted, rows record which of their messages are gone and which were handed to the
 * broker, and rows with nothing left are deleted, all at the end of each database batch, inside its transaction. When
 * a batch is undone, the memory is dropped and read again from the file. Each open file has its own.
 */
final class StoredRows implements Database.Rows {
    private final Map<String, ConnectionRows> connections = new HashMap<>();
    private final Set<MessageBatch> touched = new LinkedHashSet<>();
    /** Rows written since the last commit. */
    private final List<MessageBatch> uncommitted = new ArrayList<>();
    /** After a rollback, rows read before the next commit may hold uncommitted work of earlier batches. */
    private boolean uncertain;

    /** The rows of a connection, read from the database the first time. */
    ConnectionRows of(Transaction tx, String connection) throws SQLException {
        ConnectionRows rows = connections.get(connection);
        if (rows == null) {
            rows = ConnectionRows.load(tx, connection, touched);
            connections.put(connection, rows);
            if (uncertain) {
                for (MessageBatch row : rows.rows()) {
                    row.committed = false;
                    uncommitted.add(row);
                }
            }
        }
        return rows;
    }

    /** Writes what this batch changed; runs at the end of every batch, before its work is committed. */
    @Override
    public void endOfBatch(Transaction tx) throws SQLException {
        if (touched.isEmpty()) {
            return;
        }
        List<Long> deleted = new ArrayList<>();
        for (MessageBatch row : touched) {
            if (row.empty()) {
                if (row.persisted) {
                    deleted.add(row.id);
                    row.persisted = false;
                }
            } else if (!row.persisted) {
                BatchTable.insert(tx, row);
                row.persisted = true;
                uncommitted.add(row);
            } else {
                BatchTable.updateState(tx, row);
            }
            if (!row.holdsInflight()) {
                row.unload(); // read again when needed: memory holds the messages in flight, not the queue
            }
        }
        if (!deleted.isEmpty()) {
            BatchTable.delete(tx, deleted);
        }
        touched.clear();
        connections.values().forEach(ConnectionRows::closeOpenRows);
    }

    @Override
    public void committed() {
        uncommitted.forEach(row -> row.committed = true);
        uncommitted.clear();
        uncertain = false;
    }

    /** Forgets everything: the rows are read again when next used. */
    @Override
    public void rolledBack() {
        connections.clear();
        touched.clear();
        uncommitted.clear();
        uncertain = true;
    }
}
