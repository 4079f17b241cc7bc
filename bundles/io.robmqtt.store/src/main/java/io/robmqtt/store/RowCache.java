package io.robmqtt.store;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The store's memory of its rows, for every connection: each connection's messages are read from the database
 * the first time it is used, then kept in step with it. What work changes is written at the end of each batch
 * ({@link RowChanges}); when a batch is undone, the memory is dropped and read again from the file. Each open file
 * has its own.
 */
final class RowCache implements TransactionListener {
    private final Map<String, ConnectionMessages> connections = new HashMap<>();
    private final RowChanges changes = new RowChanges();

    /** The messages of a connection, read from the database the first time. */
    ConnectionMessages of(Transaction tx, String connection) throws SQLException {
        ConnectionMessages messages = connections.get(connection);
        if (messages == null) {
            messages = ConnectionMessages.load(tx, connection, changes);
            connections.put(connection, messages);
            changes.read(messages.rows());
        }
        return messages;
    }

    @Override
    public void endOfBatch(Transaction tx) throws SQLException {
        changes.write(tx);
        connections.values().forEach(ConnectionMessages::endOfBatch);
    }

    @Override
    public void committed() {
        changes.committed();
    }

    /** Forgets everything: the rows are read again when next used. */
    @Override
    public void rolledBack() {
        connections.clear();
        changes.rolledBack();
    }
}
