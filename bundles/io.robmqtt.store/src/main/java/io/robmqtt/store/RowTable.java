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
            + "taken_through, count, size, stored_at, gone, body, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_STATE = "UPDATE " + TABLE + " SET taken_through = ?, gone = ?, expires_at = ? "
            + "WHERE id = ?";
    private static final String DELETE = "DELETE FROM " + TABLE + " WHERE id IN (SELECT value FROM json_each(?))";
    private static final String HEADER = "SELECT id, priority, count, size, stored_at, first_seq, last_seq, "
            + "taken_through, gone, expires_at FROM " + TABLE + " WHERE connection = ? ";
    /** Nothing gone: the header's count and size are the row's. */
    private static final String NONE_GONE = "gone = x'" + "00".repeat(MessageRow.GONE_BYTES) + "'";
    private static final String IRREGULAR = HEADER + "AND (taken_through >= first_seq OR NOT " + NONE_GONE + ")";
    private static final String QUEUED_TOTALS = "SELECT priority, sum(count), sum(size) FROM " + TABLE
            + " WHERE connection = ? AND taken_through < first_seq AND " + NONE_GONE + " GROUP BY priority";
    /** Rows that may hold queued messages (the gone bitmap may say otherwise), by the index of layout 3. */
    private static final String PAGE = HEADER + "AND priority = ? AND id > ? AND last_seq > taken_through "
            + "ORDER BY id LIMIT ?";
    /** Rows holding a message whose own expiry has passed, by the partial index of layout 3. */
    private static final String EXPIRING = HEADER + "AND expires_at <= ? ORDER BY expires_at LIMIT ?";
    private static final String OVERLAPPING = HEADER + "AND priority = ? AND id > ? AND first_seq <= ? "
            + "AND last_seq >= ? ORDER BY id";
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
        setExpiresAt(insert, 12, row.expiresAt());
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
        setExpiresAt(update, 3, row.expiresAt());
        update.setLong(4, row.id);
        update.executeUpdate();
    }

    private static void setExpiresAt(PreparedStatement statement, int index, long expiresAt) throws SQLException {
        if (expiresAt == Long.MAX_VALUE) {
            statement.setNull(index, java.sql.Types.INTEGER);
        } else {
            statement.setLong(index, expiresAt);
        }
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

    /**
     * The rows of a connection whose header does not describe them alone: some of their messages are gone or
     * were handed to the broker. Few: the drain's and the evictions' frontier, and rows holding inflight messages.
     */
    static List<MessageRow> irregular(Transaction tx, String connection) throws SQLException {
        PreparedStatement select = tx.prepared(IRREGULAR);
        select.setString(1, connection);
        return headers(connection, select);
    }

    /** Messages and bytes of the connection's rows that hold only queued messages, by priority. */
    static void queuedTotals(Transaction tx, String connection, QueueCounters counters) throws SQLException {
        PreparedStatement select = tx.prepared(QUEUED_TOTALS);
        select.setString(1, connection);
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                counters.add(rs.getInt(1), rs.getLong(2), rs.getLong(3));
            }
        }
    }

    /** The next rows of one priority after the row {@code after} that may hold queued messages, oldest first. */
    static List<MessageRow> page(Transaction tx, String connection, int priority, long after, int limit)
            throws SQLException {
        PreparedStatement select = tx.prepared(PAGE);
        select.setString(1, connection);
        select.setInt(2, priority);
        select.setLong(3, after);
        select.setInt(4, limit);
        return headers(connection, select);
    }

    /** Up to {@code limit} rows of a connection holding a message whose own expiry is at or before {@code now}. */
    static List<MessageRow> expiring(Transaction tx, String connection, long now, int limit) throws SQLException {
        PreparedStatement select = tx.prepared(EXPIRING);
        select.setString(1, connection);
        select.setLong(2, now);
        select.setInt(3, limit);
        return headers(connection, select);
    }

    /** The rows of one priority after the row {@code after} that may hold a sequence from lowest to highest. */
    static List<MessageRow> overlapping(Transaction tx, String connection, int priority, long after, long lowest,
            long highest) throws SQLException {
        PreparedStatement select = tx.prepared(OVERLAPPING);
        select.setString(1, connection);
        select.setInt(2, priority);
        select.setLong(3, after);
        select.setLong(4, highest);
        select.setLong(5, lowest);
        return headers(connection, select);
    }

    private static List<MessageRow> headers(String connection, PreparedStatement select) throws SQLException {
        List<MessageRow> rows = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                long expiresAt = rs.getLong(10);
                rows.add(new MessageRow(rs.getLong(1), connection, rs.getInt(2), rs.getInt(3), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getBytes(9),
                        rs.wasNull() ? Long.MAX_VALUE : expiresAt));
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
