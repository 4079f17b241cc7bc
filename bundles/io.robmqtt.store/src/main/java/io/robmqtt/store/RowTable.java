package io.robmqtt.store;

import io.robmqtt.api.store.StoredMessage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The SQL of the {@value Schema#ROWS} table: one row per {@link MessageRow}. */
final class RowTable {
    private static final String TABLE = Schema.ROWS;
    static final String INSERT = "INSERT INTO " + TABLE + "(id, connection, priority, first_seq, last_seq, "
            + "taken_through, count, size, stored_at, gone, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_STATE = "UPDATE " + TABLE + " SET taken_through = ?, gone = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE id IN (SELECT value FROM json_each(?))";
    private static final String HEADERS = "SELECT id, priority, count, size, stored_at, first_seq, last_seq, "
            + "taken_through, gone FROM " + TABLE + " WHERE connection = ? ORDER BY priority DESC, id";
    private static final String BODY = "SELECT body FROM " + TABLE + " WHERE id = ?";
    private static final String SET_ASIDE = "INSERT OR REPLACE INTO " + Schema.DAMAGED + " SELECT * FROM " + TABLE
            + " WHERE id = ?";
    private static final String DELETE_ONE = "DELETE FROM " + TABLE + " WHERE id = ?";

    private RowTable() {}

    static void insert(Transaction tx, MessageRow row) throws SQLException {
        insert(tx.prepared(INSERT), row);
    }

    /** Inserts the row with {@code insert}, a statement of {@link #INSERT}. The header describes every message. */
    static void insert(PreparedStatement insert, MessageRow row) throws SQLException {
        List<StoredMessage> written = row.written();
        long size = 0;
        long storedAt = Long.MAX_VALUE;
        for (StoredMessage m : written) {
            size += m.message().sizeBytes();
            storedAt = Math.min(storedAt, m.storedAtMillis());
        }
        insert.setLong(1, row.id);
        insert.setString(2, row.connection);
        insert.setInt(3, row.priority);
        insert.setLong(4, written.get(0).sequence());
        insert.setLong(5, written.get(written.size() - 1).sequence());
        insert.setLong(6, row.inflightThrough());
        insert.setInt(7, written.size());
        insert.setLong(8, size);
        insert.setLong(9, storedAt);
        insert.setBytes(10, row.goneBytes());
        insert.setBytes(11, RowCodec.encode(row.id, written));
        insert.executeUpdate();
    }

    /**
     * Records which messages are gone and which were handed to the broker. Both fields keep their size, so SQLite
     * overwrites them in place and leaves the messages' pages alone.
     */
    static void updateState(Transaction tx, MessageRow row) throws SQLException {
        PreparedStatement update = tx.prepared(UPDATE_STATE);
        update.setLong(1, row.inflightThrough());
        update.setBytes(2, row.goneBytes());
        update.setLong(3, row.id);
        update.executeUpdate();
    }

    /** Deletes rows by id in one statement (the ids go in as one JSON array). */
    static void delete(Transaction tx, List<Long> ids) throws SQLException {
        tx.deletesRows();
        PreparedStatement delete = tx.prepared(DELETE);
        delete.setString(1, jsonArray(ids));
        delete.executeUpdate();
    }

    /** Moves a row whose body does not parse to the table of damaged rows, for inspection. */
    static void setAside(Transaction tx, long id) throws SQLException {
        tx.deletesRows();
        for (String sql : new String[] {SET_ASIDE, DELETE_ONE}) {
            PreparedStatement statement = tx.prepared(sql);
            statement.setLong(1, id);
            statement.executeUpdate();
        }
    }

    /** The rows of a connection, highest priority first, then oldest first; their messages are not read. */
    static List<MessageRow> headers(Transaction tx, String connection) throws SQLException {
        PreparedStatement select = tx.prepared(HEADERS);
        select.setString(1, connection);
        List<MessageRow> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                rows.add(new MessageRow(rs.getLong(1), connection, rs.getInt(2), rs.getInt(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getBytes(9)));
            }
        }
        return rows;
    }

    /** Reads the row's messages into it, unless it holds them already. */
    static MessageRow load(Transaction tx, MessageRow row) throws SQLException {
        if (!row.loaded()) {
            row.load(written(tx, row));
        }
        return row;
    }

    /**
     * The row's messages that are not gone, without keeping them in memory: for reads (a look at the queue)
     * that should not leave every row they passed loaded.
     */
    static List<StoredMessage> messages(Transaction tx, MessageRow row) throws SQLException {
        return row.loaded() ? row.messages() : row.notGone(written(tx, row));
    }

    private static List<StoredMessage> written(Transaction tx, MessageRow row) throws SQLException {
        PreparedStatement select = tx.prepared(BODY);
        select.setLong(1, row.id);
        try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("row " + row.id + " of connection " + row.connection
                        + " is missing from the store");
            }
            return RowCodec.decode(row.id, row.priority, rs.getBytes(1));
        }
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
