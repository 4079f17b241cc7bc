package io.robmqtt.store;

import io.robmqtt.store.Database.Transaction;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The SQL of the {@value Schema#BATCHES} table: one row per {@link MessageBatch}. */
final class BatchTable {
    private static final String TABLE = Schema.BATCHES;
    static final String INSERT = "INSERT INTO " + TABLE + "(id, connection, priority, first_seq, last_seq, "
            + "taken_through, count, size, stored_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE " + TABLE + " SET first_seq = ?, last_seq = ?, taken_through = ?, "
            + "count = ?, size = ?, stored_at = ?, body = ? WHERE id = ?";
    private static final String UPDATE_TAKEN = "UPDATE " + TABLE + " SET taken_through = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE id IN (SELECT value FROM json_each(?))";
    private static final String HEADERS = "SELECT id, priority, count, size, stored_at, first_seq, last_seq, "
            + "taken_through FROM " + TABLE + " WHERE connection = ? ORDER BY priority DESC, id";
    private static final String BODY = "SELECT body FROM " + TABLE + " WHERE id = ?";

    private BatchTable() {}

    static void insert(Transaction tx, MessageBatch row) throws SQLException {
        insert(tx.prepared(INSERT), row);
    }

    /** Inserts the row with {@code insert}, a statement of {@link #INSERT}. */
    static void insert(PreparedStatement insert, MessageBatch row) throws SQLException {
        insert.setLong(1, row.id);
        insert.setString(2, row.connection);
        insert.setInt(3, row.priority);
        insert.setLong(4, row.firstSequence());
        insert.setLong(5, row.lastSequence());
        insert.setLong(6, row.takenThrough());
        insert.setInt(7, row.count());
        insert.setLong(8, row.size());
        insert.setLong(9, row.storedAt());
        insert.setBytes(10, BatchBody.encode(row.id, row.messages()));
        insert.executeUpdate();
    }

    /** Writes the row's messages and header anew. */
    static void rewrite(Transaction tx, MessageBatch row) throws SQLException {
        tx.deletesRows();
        PreparedStatement update = tx.prepared(UPDATE);
        update.setLong(1, row.firstSequence());
        update.setLong(2, row.lastSequence());
        update.setLong(3, row.takenThrough());
        update.setInt(4, row.count());
        update.setLong(5, row.size());
        update.setLong(6, row.storedAt());
        update.setBytes(7, BatchBody.encode(row.id, row.messages()));
        update.setLong(8, row.id);
        update.executeUpdate();
    }

    /** Records which of the row's messages were handed to the broker; its messages are unchanged. */
    static void updateTaken(Transaction tx, MessageBatch row) throws SQLException {
        PreparedStatement update = tx.prepared(UPDATE_TAKEN);
        update.setLong(1, row.takenThrough());
        update.setLong(2, row.id);
        update.executeUpdate();
    }

    /** Deletes rows by id in one statement (the ids go in as one JSON array). */
    static void delete(Transaction tx, List<Long> ids) throws SQLException {
        tx.deletesRows();
        PreparedStatement delete = tx.prepared(DELETE);
        delete.setString(1, jsonArray(ids));
        delete.executeUpdate();
    }

    /** The rows of a connection, highest priority first, then oldest first; their messages are not read. */
    static List<MessageBatch> headers(Transaction tx, String connection) throws SQLException {
        PreparedStatement select = tx.prepared(HEADERS);
        select.setString(1, connection);
        List<MessageBatch> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(new MessageBatch(rs.getLong(1), connection, rs.getInt(2), rs.getInt(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)));
            }
        }
        return rows;
    }

    /** Reads the row's messages into it, unless it holds them already. */
    static MessageBatch load(Transaction tx, MessageBatch row) throws SQLException {
        if (row.loaded()) {
            return row;
        }
        PreparedStatement select = tx.prepared(BODY);
        select.setLong(1, row.id);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("row " + row.id + " of connection " + row.connection
                        + " is missing from the store");
            }
            row.load(BatchBody.decode(row.id, row.priority, rs.getBytes(1)));
        }
        return row;
    }

    static String jsonArray(Iterable<Long> values) {
        StringBuilder json = new StringBuilder("[");
        for (long value : values) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(value);
        }
        return json.append(']').toString();
    }
}
