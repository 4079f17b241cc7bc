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
 * messages went to are inserted, rows that lost messages are rewritten or deleted, rows whose messages were
 * handed to the broker have that recorded, all at the end of each database batch, inside its transaction. When
 * a batch is undone or the file changes, the memory is dropped and read again from the file.
 */
final class StoredRows {
    private final Map<String, ConnectionRows> connections = new HashMap<>();
    private final Set<MessageBatch> touched = new LinkedHashSet<>();

    /** The rows of a connection, read from the database the first time. */
    ConnectionRows of(Transaction tx, String connection) throws SQLException {
        ConnectionRows rows = connections.get(connection);
        if (rows == null) {
            rows = ConnectionRows.load(tx, connection, touched);
            connections.put(connection, rows);
        }
        return rows;
    }

    /** Writes what this batch changed; runs at the end of every batch, before its work is committed. */
    void flush(Transaction tx) throws SQLException {
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
            } else if (row.changed) {
                BatchTable.rewrite(tx, row);
            } else {
                BatchTable.updateTaken(tx, row);
            }
            row.changed = false;
        }
        if (!deleted.isEmpty()) {
            BatchTable.delete(tx, deleted);
        }
        touched.clear();
        connections.values().forEach(ConnectionRows::closeOpenRows);
    }

    /** Forgets everything: the rows are read again when next used. */
    void reset() {
        connections.clear();
        touched.clear();
    }
}
