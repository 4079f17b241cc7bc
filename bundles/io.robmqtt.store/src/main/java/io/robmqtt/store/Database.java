package io.robmqtt.store;

import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.StoreException;
import io.robmqtt.store.StoreConfig.Synchronous;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open database file and the work queue in front of it.
 *
 * <p>Reads and writes run one batch at a time, in submission order, on the database thread or on a caller
 * that leads its own batch ({@link #call}). Work submitted while a commit is under way waits and is then run
 * as one batch, in one transaction with one fsync. Futures complete only after the commit, so a completed
 * future means durable. This is group commit: concurrent publishers share an fsync instead of queueing for one
 * each.
 *
 * <p>A unit of work may refuse ({@link QueueFullException}) only before it writes anything; that fails the unit
 * alone. Any other failure rolls back the whole batch and fails every unit in it, so nothing half-written is
 * ever committed and nobody is told "stored" for a batch that was not.
 */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int MAX_BATCH = 1_000;

    /** Work run on the database thread, inside the current transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Transaction transaction) throws SQLException;
    }

    /** What work sees of the database: the connection in its transaction, statements, and the sequence. */
    interface Transaction {
        Connection connection();

        /** A prepared statement for {@code sql}, kept for reuse: do not close it. */
        PreparedStatement prepared(String sql) throws SQLException;

        /** The next sequence number: never given twice. */
        long nextSequence();

        /**
         * Declares that this transaction deletes rows, so the last sequence given is recorded with it: once the
         * rows holding the highest sequences are gone, only that record keeps a restart from giving them again.
         */
        void deletesRows();
    }

    private record Task<T>(Work<T> work, CompletableFuture<T> future) {}

    private final Path file;
    private final Connection connection;
    private final boolean recoveredFromCorruption;
    private final Runnable onRollback;
    private final Queue<Task<?>> tasks = new ConcurrentLinkedQueue<>();
    /** Held by whichever thread runs a batch: the database thread or a caller leading its own batch. */
    private final ReentrantLock writing = new ReentrantLock();
    private boolean connectionClosed;
    private final Thread thread;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private boolean deletesRows;
    private final Transaction transaction = new Transaction() {
        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public PreparedStatement prepared(String sql) throws SQLException {
            PreparedStatement statement = statements.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                statements.put(sql, statement);
            }
            return statement;
        }

        @Override
        public long nextSequence() {
            return ++lastSequence;
        }

        @Override
        public void deletesRows() {
            deletesRows = true;
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
        CompletableFuture<T> future = enqueue(work);
        LockSupport.unpark(thread);
        return future;
    }

    /**
     * Runs work for a caller that will wait for it. When nobody is writing, the caller itself runs the pending
     * batch, its own work included, and is spared two thread hand-offs; otherwise its work joins the next batch
     * of whoever is writing. A caller leads only until its own work is done, then leaves the rest to the
     * database thread.
     */
    <T> CompletableFuture<T> call(Work<T> work) {
        CompletableFuture<T> future = enqueue(work);
        while (!future.isDone() && writing.tryLock()) {
            try {
                runOneBatch();
            } finally {
                writing.unlock();
            }
        }
        if (!tasks.isEmpty()) {
            LockSupport.unpark(thread); // work that arrived while we wrote, or while another caller did
        }
        return future;
    }

    private <T> CompletableFuture<T> enqueue(Work<T> work) {
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
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("event=store_close_interrupted file={}: work still queued fails with 'store is closed'", file);
        }
    }

    private void runTasks() {
        while (!(closed && tasks.isEmpty())) {
            if (tasks.isEmpty()) {
                LockSupport.park(this);
                continue;
            }
            writing.lock();
            try {
                runOneBatch();
            } finally {
                writing.unlock();
            }
        }
        writing.lock();
        try {
            closeConnection();
            connectionClosed = true;
            runOneBatch(); // fails whatever slipped in while closing
        } finally {
            writing.unlock();
        }
    }

    /** Runs the oldest pending work, up to a batch; the caller holds {@link #writing}. */
    private void runOneBatch() {
        List<Task<?>> batch = new ArrayList<>();
        for (Task<?> task; batch.size() < MAX_BATCH && (task = tasks.poll()) != null; ) {
            batch.add(task);
        }
        if (connectionClosed) {
            batch.forEach(task -> task.future().completeExceptionally(closedFailure()));
        } else if (!batch.isEmpty()) {
            runBatch(batch);
        }
    }

    private void runBatch(List<Task<?>> batch) {
        Object[] results = new Object[batch.size()];
        Throwable[] refusals = new Throwable[batch.size()];
        try {
            for (int i = 0; i < batch.size(); i++) {
                try {
                    results[i] = batch.get(i).work().run(transaction);
                } catch (QueueFullException e) {
                    refusals[i] = e;
                }
            }
            saveSequence();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            abort(batch, e instanceof SQLException sql ? SqliteErrors.storeFailure(file, sql)
                    : new StoreException("could not store in the database " + file + ": " + e, e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], refusals[i]);
        }
    }

    private void abort(List<Task<?>> batch, StoreException failure) {
        LOG.error("event=store_batch_failed file={} units={}: {}", file, batch.size(), failure.getMessage());
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        deletesRows = false;
        savedSequence = -1;
        onRollback.run();
        batch.forEach(task -> task.future().completeExceptionally(failure));
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
        boolean needed = deletesRows && lastSequence != savedSequence;
        deletesRows = false;
        if (!needed) {
            return;
        }
        PreparedStatement update = transaction.prepared("UPDATE meta SET value = ? WHERE key = 'last_sequence'");
        update.setLong(1, lastSequence);
        update.executeUpdate();
        savedSequence = lastSequence;
    }

    private void closeConnection() {
        try {
            for (PreparedStatement statement : statements.values()) {
                statement.close();
            }
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
