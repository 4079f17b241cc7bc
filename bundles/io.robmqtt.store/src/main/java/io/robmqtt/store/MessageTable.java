package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes message rows of one table; the queue and the inflight table share this layout. */
final class MessageTable {
    private static final String SELECT = "SELECT seq, topic, payload, qos, retain, priority, stored_at FROM ";

    private final String table;

    MessageTable(String table) {
        this.table = table;
    }

    void insert(Connection c, String connection, StoredMessage stored) throws SQLException {
        OutgoingMessage m = stored.message();
        try (PreparedStatement insert = c.prepareStatement("INSERT OR REPLACE INTO " + table
                + "(seq, connection, priority, topic, payload, qos, retain, size, stored_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, stored.sequence());
            insert.setString(2, connection);
            insert.setInt(3, m.priority());
            insert.setString(4, m.topic());
            insert.setBytes(5, m.payload());
            insert.setInt(6, m.qos());
            insert.setInt(7, m.retain() ? 1 : 0);
            insert.setInt(8, m.sizeBytes());
            insert.setLong(9, stored.storedAtMillis());
            insert.executeUpdate();
        }
    }

    /** Rows of a connection matching {@code where} (a condition on the columns, with parameters after the connection). */
    List<StoredMessage> select(Connection c, String connection, String where, String orderBy, long... parameters)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement(SELECT + table + " WHERE connection = ?"
                + (where.isEmpty() ? "" : " AND " + where) + " ORDER BY " + orderBy)) {
            select.setString(1, connection);
            for (int i = 0; i < parameters.length; i++) {
                select.setLong(i + 2, parameters[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                List<StoredMessage> messages = new ArrayList<>();
                while (rows.next()) {
                    messages.add(read(rows));
                }
                return messages;
            }
        }
    }

    /** Deletes rows by sequence and returns the (priority, size) of each row deleted. */
    List<long[]> delete(Connection c, String connection, Iterable<Long> sequences) throws SQLException {
        List<long[]> deleted = new ArrayList<>();
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM " + table + " WHERE connection = ? AND seq = ? RETURNING priority, size")) {
            delete.setString(1, connection);
            for (long sequence : sequences) {
                delete.setLong(2, sequence);
                try (ResultSet row = delete.executeQuery()) {
                    if (row.next()) {
                        deleted.add(new long[] {row.getLong(1), row.getLong(2)});
                    }
                }
            }
        }
        return deleted;
    }

    long count(Connection c, String connection) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE connection = ?")) {
            count.setString(1, connection);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static StoredMessage read(ResultSet rows) throws SQLException {
        OutgoingMessage message = new OutgoingMessage(rows.getString(2), rows.getBytes(3), rows.getInt(4),
                rows.getInt(5) != 0, rows.getInt(6));
        return new StoredMessage(rows.getLong(1), message, rows.getLong(7));
    }
}
