package io.robmqtt.store;

import io.robmqtt.api.StoreException;
import io.robmqtt.store.StoreConfig.Synchronous;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open database file and the single thread that works on it.
 *
 * <p>Every read and write runs on that thread. Work submitted while a commit is under way waits and is then
 * run as one batch: each unit in a savepoint of its own (so one failing unit leaves the others intact), all
 * of them in one transaction with one fsync. Futures complete only after the commit, so a completed future
 * means durable. This is group commit: concurrent publishers share an fsync instead of queueing for one each.
 */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int MAX_BATCH = 1_000;

    /** Work run on the database thread, inside the current transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Transaction transaction) throws SQLException;
    }

    /** What work sees of the database: the connection in its transaction, and the sequence. */
    interface Transaction {
        Connection connection();

        /** The next sequence number, recorded in this transaction: never given twice. */
        long nextSequence();
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> future) {}

    private static final Task<Void> STOP = new Task<>(tx -> null, new CompletableFuture<>());

    private final Path file;
    private final Connection connection;
    private final boolean recoveredFromCorruption;
    private final Runnable onRollback;
    private final BlockingQueue<Task<?>> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Transaction transaction = new Transaction() {
        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public long nextSequence() {
            return ++lastSequence;
        }
    };
    private long lastSequence;
    private long savedSequence;
    private volatile boolean closed;

    /**
     * Opens the file (moving a corrupt one aside) and starts the database thread.
     *
     * @param onRollback run on the database thread when a batch could not be committed, so that state kept
     *     in memory about the rows can be reloaded
     */
    Database(Path file, Synchronous synchronous, Clock clock, Runnable onRollback) {
        this(file, synchronous, clock, onRollback, null);
    }

    /**
     * Opens the file as above and first moves into it every message stored in {@code previous}, a database
     * file this store used before; {@code null} for none.
     */
    Database(Path file, Synchronous synchronous, Clock clock, Runnable onRollback, Path previous) {
        this.file = file;
        this.onRollback = onRollback;
        DatabaseFile.Opened opened = DatabaseFile.open(file, synchronous, clock);
        this.connection = opened.connection();
        this.recoveredFromCorruption = opened.recoveredFromCorruption();
        try (Statement statement = connection.createStatement()) {
            if (previous != null) {
                MessageMigration.moveFrom(connection, previous);
            }
            lastSequence = Schema.lastSequence(statement);
            savedSequence = lastSequence;
            connection.commit();
        } catch (SQLException e) {
            closeConnection();
            throw SqliteErrors.storeFailure(file, e);
        }
        thread = new Thread(this::runTasks, "robmqtt-store " + file.getFileName());
        thread.setDaemon(true);
        thread.start();
        LOG.info("event=store_opened file={} synchronous={} last_sequence={}", file, synchronous, lastSequence);
    }

    Path file() {
        return file;
    }

    boolean recoveredFromCorruption() {
        return recoveredFromCorruption;
    }

    /** Runs work on the database thread; the future completes after the work was committed. */
    <T> CompletableFuture<T> submit(Work<T> work) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(closedFailure());
        } else {
            tasks.add(new Task<>(work, future));
        }
        return future;
    }

    /** Finishes the work already submitted, then closes the file. */
    @Override
    public void close() {
        closed = true;
        tasks.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("event=store_close_interrupted file={}: work still queued fails with 'store is closed'", file);
        }
    }

    private void runTasks() {
        List<Task<?>> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(tasks.take());
            } catch (InterruptedException e) {
                LOG.warn("event=store_thread_interrupted file={}", file);
                break;
            }
            tasks.drainTo(batch, MAX_BATCH - 1);
            int stopAt = batch.indexOf(STOP);
            if (stopAt >= 0) {
                stop = true;
                tasks.addAll(batch.subList(stopAt + 1, batch.size()));
                batch.subList(stopAt, batch.size()).clear();
            }
            runBatch(batch);
            batch.clear();
        }
        for (Task<?> orphan; (orphan = tasks.poll()) != null; ) {
            orphan.future().completeExceptionally(closedFailure());
        }
        closeConnection();
    }

    private void runBatch(List<Task<?>> batch) {
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        try {
            for (int i = 0; i < batch.size(); i++) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    results[i] = batch.get(i).work().run(transaction);
                    connection.releaseSavepoint(savepoint);
                } catch (SQLException e) {
                    connection.rollback(savepoint);
                    failures[i] = SqliteErrors.storeFailure(file, e);
                } catch (RuntimeException e) {
                    connection.rollback(savepoint);
                    failures[i] = e;
                }
            }
            saveSequence();
            connection.commit();
        } catch (SQLException e) {
            StoreException failure = SqliteErrors.storeFailure(file, e);
            LOG.error("event=store_commit_failed file={} messages={}: {}", file, batch.size(), failure.getMessage());
            rollback(failure);
            savedSequence = -1;
            onRollback.run();
            batch.forEach(task -> task.future().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Object result, Throwable failure) {
        if (failure == null) {
            task.future().complete((T) result);
        } else {
            task.future().completeExceptionally(failure);
        }
    }

    private void saveSequence() throws SQLException {
        if (lastSequence == savedSequence) {
            return;
        }
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE meta SET value = ? WHERE key = 'last_sequence'")) {
            update.setLong(1, lastSequence);
            update.executeUpdate();
        }
        savedSequence = lastSequence;
    }

    private void rollback(StoreException failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private void closeConnection() {
        try {
            connection.close();
            LOG.info("event=store_closed file={}", file);
        } catch (SQLException e) {
            LOG.error("event=store_close_failed file={}: {}", file, SqliteErrors.describe(file, e));
        }
    }

    private StoreException closedFailure() {
        return new StoreException("the store " + file + " is closed (robmqtt is stopping or reconfiguring); "
                + "the message was not stored", null);
    }
}
