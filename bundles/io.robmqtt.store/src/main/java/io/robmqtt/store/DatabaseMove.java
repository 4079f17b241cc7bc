package io.robmqtt.store;

import io.robmqtt.common.LogValue;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the queued and inflight messages of a database file this store used before into the current one, when
 * {@code db.path} changes: nothing accepted stays behind in the old file. Moved messages keep their order and
 * come after the messages the new file already holds.
 */
final class DatabaseMove {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseMove.class);

    private DatabaseMove() {}

    /** Runs outside the connection's transaction (SQLite cannot ATTACH inside one) and commits. */
    static void moveFrom(Connection connection, Path previous) throws SQLException {
        if (!previous.toFile().isFile()) {
            return;
        }
        connection.commit();
        connection.setAutoCommit(true);
        try (PreparedStatement attach = connection.prepareStatement("ATTACH DATABASE ? AS previous");
                Statement statement = connection.createStatement()) {
            attach.setString(1, previous.toString());
            attach.execute();
            try {
                statement.execute("BEGIN IMMEDIATE");
                long offset = sequenceOffset(statement);
                long moved = copy(statement, offset);
                statement.execute("COMMIT");
                LOG.info("event=store_messages_moved from={} rows={}", LogValue.of(previous), moved);
            } catch (SQLException e) {
                statement.execute("ROLLBACK");
                throw e;
            } finally {
                statement.execute("DETACH DATABASE previous");
            }
        } finally {
            connection.setAutoCommit(false);
        }
    }

    private static long sequenceOffset(Statement statement) throws SQLException {
        String table = Schema.ROWS;
        try (ResultSet rs = statement.executeQuery("SELECT coalesce((SELECT min(min(id, first_seq)) FROM previous."
                + table + "), 0), max(coalesce((SELECT max(max(id, last_seq)) FROM main." + table + "), 0), "
                + "(SELECT value FROM main.meta WHERE key = 'last_sequence'))")) {
            rs.next();
            long oldest = rs.getLong(1);
            long newest = rs.getLong(2);
            return Math.max(0, newest - oldest + 1);
        }
    }

    /**
     * Copies the rows, renumbered (a row's messages are numbered from its id, so renumbering needs no parsing), and
     * the received QoS 2 messages.
     */
    private static long copy(Statement statement, long offset) throws SQLException {
        String table = Schema.ROWS;
        boolean hasExpiry; // since layout 3
        try (ResultSet rs = statement.executeQuery("SELECT 1 FROM pragma_table_info('" + table + "', 'previous') "
                + "WHERE name = 'expires_at'")) {
            hasExpiry = rs.next();
        }
        int rows = statement.executeUpdate("INSERT INTO main." + table + "(id, connection, priority, first_seq, "
                + "last_seq, taken_through, count, size, stored_at, gone, body, expires_at) SELECT id + " + offset
                + ", connection, priority, first_seq + " + offset + ", last_seq + " + offset + ", taken_through + "
                + offset + ", count, size, stored_at, gone, body, " + (hasExpiry ? "expires_at" : "NULL")
                + " FROM previous." + table);
        statement.executeUpdate("DELETE FROM previous." + table);
        String received = Schema.RECEIVED; // since layout 3
        boolean hasReceived;
        try (ResultSet rs = statement.executeQuery("SELECT 1 FROM previous.sqlite_master WHERE type = 'table' "
                + "AND name = '" + received + "'")) {
            hasReceived = rs.next();
        }
        if (hasReceived) {
            statement.executeUpdate("INSERT OR REPLACE INTO main." + received + " SELECT connection, key, session, "
                    + "header, payload FROM previous." + received);
            statement.executeUpdate("DELETE FROM previous." + received);
        }
        return rows;
    }
}
