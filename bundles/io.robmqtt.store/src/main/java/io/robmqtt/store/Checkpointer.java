package io.robmqtt.store;

import io.robmqtt.store.StoreConfig.Synchronous;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Copies the write-ahead log back into the database file on a thread of its own, so that the database thread
 * never stops for it. SQLite would otherwise checkpoint inside whichever commit crosses 1,000 log pages, and
 * every caller waiting on that commit would wait for the copy and its fsyncs too.
 *
 * <p>A passive checkpoint runs beside the writer and copies what is committed. When the log has grown past
 * {@value #RESTART_PAGES} pages anyway (a writer that never pauses), a restarting checkpoint waits for the
 * writer once, so that the log starts again from its beginning instead of growing without bound.
 * Checkpointing moves committed data between two files; it never decides what is durable.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int RESTART_PAGES = 10_000;

    private final Path file;
    private final Connection connection;
    private final Thread thread;
    private volatile boolean committed;
    private volatile boolean closed;

    private Checkpointer(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
        this.thread = new Thread(this::run, "robmqtt-checkpoint " + file.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts checkpointing {@code file} and turns off SQLite's own checkpoints on {@code writer}; returns null,
     * leaving SQLite's own on, when a second connection to the file cannot be opened.
     */
    static Checkpointer start(Path file, Synchronous synchronous, Connection writer) {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous.name()));
        config.setBusyTimeout(5_000);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        try {
            Connection connection = source.getConnection();
            try (Statement statement = writer.createStatement()) {
                statement.execute("PRAGMA wal_autocheckpoint = 0");
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return new Checkpointer(file, connection);
        } catch (SQLException e) {
            LOG.warn("event=checkpointer_unavailable file={} reason=\"{}\": SQLite checkpoints inside commits instead",
                    file, SqliteErrors.describe(file, e));
            return null;
        }
    }

    /** The writer committed: there is something to copy. */
    void committed() {
        committed = true;
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(this, INTERVAL_NANOS);
            if (committed && !closed) {
                committed = false;
                checkpoint();
            }
        }
    }

    private void checkpoint() {
        try (Statement statement = connection.createStatement()) {
            int logPages = checkpoint(statement, "PASSIVE");
            if (logPages > RESTART_PAGES) {
                checkpoint(statement, "RESTART");
            }
        } catch (SQLException e) {
            LOG.warn("event=checkpoint_failed file={} reason=\"{}\": retrying at the next commit", file,
                    SqliteErrors.describe(file, e));
            committed = true;
        }
    }

    /** Runs one checkpoint; returns the pages the log held. */
    private static int checkpoint(Statement statement, String mode) throws SQLException {
        try (ResultSet result = statement.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            return result.next() ? result.getInt(2) : 0;
        }
    }

    /** Stops checkpointing; the writer's close then checkpoints what is left. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("event=checkpointer_close_failed file={} reason=\"{}\"", file, SqliteErrors.describe(file, e));
        }
    }
}
