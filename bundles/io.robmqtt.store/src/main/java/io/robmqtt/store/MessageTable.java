package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.store.Database.Transaction;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes message rows of one table; the queue and the inflight table share this layout. */
final class MessageTable {
    private static final String COLUMNS = "seq, topic, payload, qos, retain, priority, stored_at";

    private final String insert;
    private final String delete;
    private final String count;
    private final String select;
    private final String copySelect;

    /*
     * Lookups by sequence write "+connection": it keeps SQLite from scanning the (connection, ...) index for
     * the connection's rows and makes it look each sequence up by its primary key.
     */
    MessageTable(String table) {
        insert = "INSERT OR REPLACE INTO " + table
                + "(seq, connection, priority, topic, payload, qos, retain, size, stored_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        delete = "DELETE FROM " + table + " WHERE +connection = ? AND seq IN (SELECT value FROM json_each(?))";
        count = "SELECT count(*) FROM " + table + " WHERE connection = ?";
        select = "SELECT " + COLUMNS + " FROM " + table + " WHERE connection = ?";
        copySelect = "SELECT * FROM " + table + " WHERE +connection = ? AND seq IN (SELECT value FROM json_each(?))";
    }

    void insert(Transaction tx, String connection, StoredMessage stored) throws SQLException {
        OutgoingMessage m = stored.message();
        PreparedStatement statement = tx.prepared(insert);
        statement.setLong(1, stored.sequence());
        statement.setString(2, connection);
        statement.setInt(3, m.priority());
        statement.setString(4, m.topic());
        statement.setBytes(5, m.payload());
        statement.setInt(6, m.qos());
        statement.setInt(7, m.retain() ? 1 : 0);
        statement.setInt(8, m.sizeBytes());
        statement.setLong(9, stored.storedAtMillis());
        statement.executeUpdate();
    }

    /**
     * Rows of a connection, in {@code orderBy} order, that match {@code where} (a condition on the columns
     * whose parameters follow the connection; empty for all rows).
     */
    List<StoredMessage> select(Transaction tx, String connection, String where, String orderBy, long... parameters)
            throws SQLException {
        PreparedStatement statement =
                tx.prepared(select + (where.isEmpty() ? "" : " AND " + where) + " ORDER BY " + orderBy);
        statement.setString(1, connection);
        for (int i = 0; i < parameters.length; i++) {
            statement.setLong(i + 2, parameters[i]);
        }
        try (ResultSet rows = statement.executeQuery()) {
            List<StoredMessage> messages = new ArrayList<>();
            while (rows.next()) {
                OutgoingMessage message = new OutgoingMessage(rows.getString(2), rows.getBytes(3), rows.getInt(4),
                        rows.getInt(5) != 0, rows.getInt(6));
                messages.add(new StoredMessage(rows.getLong(1), message, rows.getLong(7)));
            }
            return messages;
        }
    }

    /**
     * Deletes rows by sequence, in one statement (the sequences go in as one JSON array: one bind instead of
     * one statement or one parameter per row).
     */
    void delete(Transaction tx, String connection, Iterable<Long> sequences) throws SQLException {
        delete(tx, connection, sequences, "");
    }

    /** Deletes rows by sequence as above and returns the (priority, size) of each row deleted. */
    List<long[]> deleteReturning(Transaction tx, String connection, Iterable<Long> sequences) throws SQLException {
        List<long[]> deleted = new ArrayList<>();
        PreparedStatement statement = delete(tx, connection, sequences, " RETURNING priority, size");
        try (ResultSet rows = statement.getResultSet()) {
            while (rows.next()) {
                deleted.add(new long[] {rows.getLong(1), rows.getLong(2)});
            }
        }
        return deleted;
    }

    private PreparedStatement delete(Transaction tx, String connection, Iterable<Long> sequences, String returning)
            throws SQLException {
        tx.deletesRows();
        PreparedStatement statement = tx.prepared(delete + returning);
        statement.setString(1, connection);
        statement.setString(2, jsonArray(sequences));
        if (returning.isEmpty()) {
            statement.executeUpdate();
        } else {
            statement.execute();
        }
        return statement;
    }

    /** Copies rows by sequence into {@code target}, a table of the same layout, replacing rows there. */
    void copyTo(Transaction tx, String target, String connection, Iterable<Long> sequences) throws SQLException {
        PreparedStatement statement = tx.prepared("INSERT OR REPLACE INTO " + target + " " + copySelect);
        statement.setString(1, connection);
        statement.setString(2, jsonArray(sequences));
        statement.executeUpdate();
    }

    static String jsonArray(Iterable<Long> sequences) {
        StringBuilder json = new StringBuilder("[");
        for (long sequence : sequences) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(sequence);
        }
        return json.append(']').toString();
    }

    long count(Transaction tx, String connection) throws SQLException {
        PreparedStatement statement = tx.prepared(count);
        statement.setString(1, connection);
        try (ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
