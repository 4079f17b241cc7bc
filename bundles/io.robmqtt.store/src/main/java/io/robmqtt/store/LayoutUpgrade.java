package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a file of the first layout (tables {@code queue} and {@code inflight}, one row per message) into
 * rows of {@link MessageRow}, in one transaction: messages keep their sequences, priorities and order, and
 * inflight messages stay inflight.
 */
final class LayoutUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(LayoutUpgrade.class);

    private LayoutUpgrade() {}

    /** Runs in autocommit mode, before the store starts its transactions. */
    static void convert(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (!exists(statement, "queue") && !exists(statement, "inflight")) {
                return;
            }
            statement.execute("BEGIN IMMEDIATE");
            try {
                long moved = 0;
                long[] nextId = {nextFreeSequence(statement)};
                for (String table : new String[] {"queue", "inflight"}) {
                    if (exists(statement, table)) {
                        moved += convert(connection, table, table.equals("inflight"), nextId);
                        statement.executeUpdate("DROP TABLE " + table);
                    }
                }
                // the rows' ids are sequences too: none may be given again
                statement.executeUpdate("UPDATE meta SET value = max(value, " + (nextId[0] - 1)
                        + ") WHERE key = 'last_sequence'");
                statement.execute("COMMIT");
                LOG.info("event=store_layout_converted messages={} layout={}", moved, Schema.VERSION);
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
    }

    private static boolean exists(Statement statement, String table) throws SQLException {
        try (ResultSet rs = statement.executeQuery(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
            return rs.next();
        }
    }

    /** Past every sequence in the file, old tables and new rows alike. */
    private static long nextFreeSequence(Statement statement) throws SQLException {
        long last = Schema.lastSequence(statement);
        for (String table : new String[] {"queue", "inflight"}) {
            if (exists(statement, table)) {
                try (ResultSet rs = statement.executeQuery("SELECT coalesce(max(seq), 0) FROM " + table)) {
                    rs.next();
                    last = Math.max(last, rs.getLong(1));
                }
            }
        }
        return last + 1;
    }

    private static long convert(Connection connection, String table, boolean inflight, long[] nextId)
            throws SQLException {
        long moved = 0;
        MessageRow row = null;
        try (PreparedStatement insert = connection.prepareStatement(RowTable.INSERT);
                Statement select = connection.createStatement();
                ResultSet rs = select.executeQuery("SELECT seq, connection, priority, topic, payload, qos, retain, "
                        + "stored_at FROM " + table + " ORDER BY connection, priority, seq")) {
            while (rs.next()) {
                long sequence = rs.getLong(1);
                String name = rs.getString(2);
                int priority = rs.getInt(3);
                if (row == null || row.full() || row.priority != priority || !row.connection.equals(name)) {
                    insert(insert, row);
                    // a fresh id: a file that an older robmqtt used after this one converted it may hold rows
                    // with ids among the old sequences
                    row = new MessageRow(nextId[0]++, name, priority, inflight, Long.MIN_VALUE);
                }
                OutgoingMessage message = new OutgoingMessage(rs.getString(4), rs.getBytes(5), rs.getInt(6),
                        rs.getInt(7) != 0, priority);
                row.add(new StoredMessage(sequence, message, rs.getLong(8)));
                moved++;
            }
            insert(insert, row);
        }
        return moved;
    }

    private static void insert(PreparedStatement insert, MessageRow row) throws SQLException {
        if (row != null) {
            RowTable.insert(insert, row);
        }
    }
}
