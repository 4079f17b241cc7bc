package io.robmqtt.store;

import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of the store: one row per {@link MessageRow} (queued and inflight messages alike), indexed for
 * reading the queue a page at a time and for finding rows whose messages expire; the QoS 2 messages received
 * and not yet released by the broker; and in {@code meta} the last sequence given and the store clock's
 * correction. Files of the first layout (one row per message) are converted when opened; those of the second
 * get the expiry column, the indexes and the table of received messages.
 */
final class Schema {
    static final String ROWS = "message_batch";
    /** Rows whose body does not parse, set aside for inspection; never read by the store. */
    static final String DAMAGED = "damaged_batch";
    /** QoS 2 messages received, whose exchange with the broker is not complete. */
    static final String RECEIVED = "received_qos2";
    static final int VERSION = 3;

    private Schema() {}

    static void create(Statement statement) throws SQLException {
        try (var rs = statement.executeQuery("PRAGMA user_version")) {
            int version = rs.next() ? rs.getInt(1) : 0;
            if (version > VERSION) {
                throw new SQLException("the file has the store layout " + version + ", written by a newer robmqtt; "
                        + "this one reads layouts up to " + VERSION + " and leaves the file as it is");
            }
        }
        statement.executeUpdate("CREATE TABLE IF NOT EXISTS " + ROWS + "(id INTEGER PRIMARY KEY, "
                + "connection TEXT NOT NULL, priority INTEGER NOT NULL, first_seq INTEGER NOT NULL, "
                + "last_seq INTEGER NOT NULL, taken_through INTEGER NOT NULL, count INTEGER NOT NULL, "
                + "size INTEGER NOT NULL, stored_at INTEGER NOT NULL, gone BLOB NOT NULL, body BLOB NOT NULL, "
                + "expires_at INTEGER)");
        addExpiresAt(statement, ROWS); // a file of layout 2
        // The queue is read a page at a time, by connection and priority in row order (layout 3).
        statement.executeUpdate("CREATE INDEX IF NOT EXISTS " + ROWS + "_queue ON " + ROWS
                + "(connection, priority, id)");
        // The earliest expiry of the messages of a row that have their own, for the expiry sweep (layout 3).
        statement.executeUpdate("CREATE INDEX IF NOT EXISTS " + ROWS + "_expiry ON " + ROWS
                + "(connection, expires_at) WHERE expires_at IS NOT NULL");
        statement.executeUpdate("CREATE TABLE IF NOT EXISTS " + DAMAGED + " AS SELECT * FROM " + ROWS + " WHERE 0");
        addExpiresAt(statement, DAMAGED);
        // QoS 2 messages received and answered with PUBREC, until the broker's PUBREL (layout 3).
        statement.executeUpdate("CREATE TABLE IF NOT EXISTS " + RECEIVED + "(connection TEXT NOT NULL, "
                + "key TEXT NOT NULL, session TEXT NOT NULL, header BLOB NOT NULL, payload BLOB NOT NULL, "
                + "PRIMARY KEY (connection, key))");
        statement.executeUpdate(
                "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
        statement.executeUpdate("INSERT OR IGNORE INTO meta(key, value) VALUES ('last_sequence', 0)");
        LayoutUpgrade.convert(statement.getConnection());
        statement.executeUpdate("PRAGMA user_version = " + VERSION);
    }

    private static void addExpiresAt(Statement statement, String table) throws SQLException {
        try (var rs = statement.executeQuery("SELECT 1 FROM pragma_table_info('" + table + "') "
                + "WHERE name = 'expires_at'")) {
            if (rs.next()) {
                return;
            }
        }
        statement.executeUpdate("ALTER TABLE " + table + " ADD COLUMN expires_at INTEGER");
    }

    /** The highest sequence ever given, from the record of it and from the rows themselves. */
    static long lastSequence(Statement statement) throws SQLException {
        try (var rs = statement.executeQuery("SELECT max((SELECT value FROM meta WHERE key = 'last_sequence'), "
                + "coalesce((SELECT max(max(id, last_seq)) FROM " + ROWS + "), 0))")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
