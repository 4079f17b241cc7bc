package io.robmqtt.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The references: plain JDBC inserts into a table shaped like robmqtt's queue, WAL, synchronous FULL, and the
 * driver's generated-keys query off, as in robmqtt's store.
 */
final class RawSqlite implements AutoCloseable {
    private final Connection connection;
    private final PreparedStatement insert;
    private long sequence;

    RawSqlite(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setGetGeneratedKeys(false); // as robmqtt's store: the reference gets the same driver settings
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        connection = source.getConnection();
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("CREATE TABLE queue(seq INTEGER PRIMARY KEY, connection TEXT NOT NULL, "
                    + "priority INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL, "
                    + "retain INTEGER NOT NULL, size INTEGER NOT NULL, stored_at INTEGER NOT NULL)");
            s.executeUpdate("CREATE INDEX queue_order ON queue(connection, priority DESC, seq)");
        }
        insert = connection.prepareStatement("INSERT INTO queue VALUES (?, 'bench', ?, ?, ?, 1, 0, ?, ?)");
    }

    /** Inserts {@code rows} rows in one transaction (one fsync). */
    void insertTransaction(int rows, byte[] payload) throws SQLException {
        connection.setAutoCommit(false);
        for (int i = 0; i < rows; i++) {
            insertRow(payload);
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    private void insertRow(byte[] payload) throws SQLException {
        long seq = ++sequence;
        insert.setLong(1, seq);
        insert.setInt(2, 1 + (int) (seq % 10));
        insert.setString(3, "bench/sensor/" + seq % 100);
        insert.setBytes(4, payload);
        insert.setInt(5, payload.length + 15);
        insert.setLong(6, System.currentTimeMillis());
        insert.executeUpdate();
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        connection.close();
    }
}
