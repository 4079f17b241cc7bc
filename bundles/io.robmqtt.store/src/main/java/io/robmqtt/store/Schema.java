package io.robmqtt.store;

import java.sql.SQLException;
import java.sql.Statement;

/** The tables of the store. Queue and inflight rows have the same columns. */
final class Schema {
    static final String QUEUE = "queue";
    static final String INFLIGHT = "inflight";

    private static final String COLUMNS = "(seq INTEGER PRIMARY KEY, connection TEXT NOT NULL, "
            + "priority INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL, "
            + "retain INTEGER NOT NULL, size INTEGER NOT NULL, stored_at INTEGER NOT NULL)";

    private Schema() {}

    static void create(Statement statement) throws SQLException {
        statement.executeUpdate("CREATE TABLE IF NOT EXISTS " + QUEUE + COLUMNS);
        statement.executeUpdate(
                "CREATE INDEX IF NOT EXISTS queue_order ON " + QUEUE + "(connection, priority DESC, seq)");
        statement.executeUpdate("CREATE TABLE IF NOT EXISTS " + INFLIGHT + COLUMNS);
        // No index on inflight beyond its key: it holds at most max.inflight rows per connection, so a scan is
        // cheap, while an index costs every send and every acknowledgement a second b-tree write.
        statement.executeUpdate("DROP INDEX IF EXISTS inflight_order");
        statement.executeUpdate(
                "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
        statement.executeUpdate("INSERT OR IGNORE INTO meta(key, value) VALUES ('last_sequence', 0)");
        statement.executeUpdate("PRAGMA user_version = 1");
    }

    /** The highest sequence ever given, from the record of it and from the rows themselves. */
    static long lastSequence(Statement statement) throws SQLException {
        try (var rs = statement.executeQuery("SELECT max((SELECT value FROM meta WHERE key = 'last_sequence'), "
                + "coalesce((SELECT max(seq) FROM " + QUEUE + "), 0), "
                + "coalesce((SELECT max(seq) FROM " + INFLIGHT + "), 0))")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
