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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open database file and the work queue in front of it.
 *
 * <p>Reads and writes run one batch at a time, in submission order, on the database thread or on a caller
 * that leads its own batch ({@link #call}). Work submitted while a commit is under way waits and is then run
 * as one batch, in one transaction with one fsync. Futures of durable work complete only after the commit, so
 * a completed future means durable. This is group commit: concurrent publishers share an fsync instead of
 * queueing for one each.
 *
 * <p>When the commit is made depends on who waits for it. A caller blocked in {@link #call} gets it at once.
 * Durable work whose caller does not wait ({@link #submit}: enqueueAsync) may wait up to 4 ms, or until 256 units
 * are waiting, for more work to share its batch and its fsync; so may relaxed work before it runs. Work whose loss is harmless (removing the records of acknowledged messages, moving messages
 * from the queue to inflight) is relaxed: it is committed with the next durable work or within 20 ms. A crash or
 * power loss before that commit undoes the latest relaxed work, which makes a message be sent once more, and
 * never anything committed before it.
 *
 * <p>A unit of work may refuse ({@link QueueFullException}) only before it writes anything; that fails the unit
 * alone. Any other failure undoes its batch and fails every unit in it, so nothing half-written is ever
 * committed and nobody is told "stored" for a batch that was not.
 */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int MAX_BATCH = 1_000;
    /** How long relaxed work may wait for its commit, and how much of it may wait. */
    private static final long RELAXED_COMMIT_NANOS = 20_000_000;
    private static final int MAX_RELAXED_UNITS = 10_000;
    /**
     * How long durable work whose caller does not wait (enqueueAsync) may wait for company before its commit: one
     * fsync then serves the work of a few milliseconds, not of one fsync's time.
     */
    private static final long DURABLE_COMMIT_NANOS = 4_000_000;
    /** How much such durable work is company enough: it is then committed at once. */
    private static final int DURABLE_COMMIT_UNITS = 256;

    /** Work run on the database thread, inside the current transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Transaction transaction) throws SQLException;
    }

    /** What the database tells the state kept in memory about its rows. */
    interface Rows {
        /** After the work of every batch, in its transaction: work may leave its writes to this. */
        void endOfBatch(Transaction transaction) throws SQLException;

        /** After every commit. */
        void committed();

        /** When a batch was undone or could not be committed: what is in memory may be stale. */
        void rolledBack();
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

        /**
         * Declares that the running work read rows written by durable work that is not committed yet: early work
         * that did so is told "done" only after the commit, which then is made at once.
         */
        void readsUncommitted();

        /** This database's memory of its rows: each open file has its own. */
        Rows rows();
    }

    /**
     * Work and its future. Durable work is committed at once; relaxed work may wait for the next commit. An
     * early task's future completes as soon as the work ran, before the commit.
     */
    private record Task<T>(Work<T> work, CompletableFuture<T> future, boolean durable, boolean early,
            boolean waiting, long submittedAt) {
        /** Whether somebody waits for the work to run: it is not gathered with later work. */
        boolean urgent() {
            return waiting || early;
        }
    }

    /** Work that ran and whose future completes at the next commit. */
    private record Ran(Task<?> task, Object result, Throwable refusal) {}

    private final Path file;
    private final Connection connection;
    private final boolean recoveredFromCorruption;
    private final Rows rows;
    private final Queue<Task<?>> tasks = new ConcurrentLinkedQueue<>();
    /** How many tasks are queued, and how many of them are urgent. */
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger urgent = new AtomicInteger();
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

        @Override
        public void readsUncommitted() {
            readsUncommitted = true;
        }

        @Override
        public Rows rows() {
            return rows;
        }
    };
    private boolean readsUncommitted;
    private long lastSequence;
    private long savedSequence;
    // The open transaction; changed only by the thread holding #writing.
    /** Whether work ran since the last commit. */
    private volatile boolean open;
    /** When the open transaction, holding relaxed work only, is to be committed at the latest. */
    private volatile long commitBy;
    private List<Ran> awaitingCommit = new ArrayList<>();
    /** Units of work run since the last commit, early ones included. */
    private int uncommittedUnits;
    /** Units of durable work run since the last commit. */
    private int uncommittedDurable;
    private volatile boolean closed;

    /**
     * Opens the file (moving a corrupt one aside) and starts the database thread.
     *
     * @param rows the state kept in memory about the rows, told of every batch, commit and rollback
     * @param previous a database file this store used before, whose messages are first moved into this one;
     *     {@code null} for none
     */
    Database(Path file, Synchronous synchronous, Clock clock, Rows rows, Path previous) {
        this.file = file;
        this.rows = rows;
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
        return enqueue(work, true, false, false);
    }

    /**
     * Runs work on the database thread; the future completes after the work was committed, which may be up
     * to {@value #RELAXED_COMMIT_NANOS} ns later: a crash meanwhile undoes it (never leaves it half done). For
     * work whose loss is harmless, such as removing the record of an acknowledged message: it is then sent once
     * more.
     */
    <T> CompletableFuture<T> submitRelaxed(Work<T> work) {
        return enqueue(work, false, false, false);
    }

    /**
     * Runs work for a caller that waits until it ran (leading the batch itself when nobody writes, as in
     * {@link #call}); the future completes as soon as the work ran, before its transaction is committed, and
     * the commit may wait as in {@link #submitRelaxed}. For work whose loss is harmless: if
     * the commit fails (or the process dies first), the work is rolled back after its caller saw it succeed,
     * and later work sees the rows as they were before it.
     */
    <T> CompletableFuture<T> submitBeforeCommit(Work<T> work) {
        CompletableFuture<T> future = enqueue(work, false, true, false);
        if (writing.isHeldByCurrentThread()) {
            // called from work or a completion on the writing thread: the database thread cannot run it now
            while (!future.isDone()) {
                runOneBatch();
            }
        } else {
            lead(future);
        }
        return future;
    }

    /**
     * Runs work for a caller that will wait for it. When nobody is writing, the caller itself runs the pending
     * batch, its own work included, and is spared two thread hand-offs; otherwise its work joins the next batch
     * of whoever is writing. A caller leads only until its own work is done, then leaves the rest to the
     * database thread.
     */
    <T> CompletableFuture<T> call(Work<T> work) {
        CompletableFuture<T> future = enqueue(work, true, false, true);
        lead(future);
        return future;
    }

    /**
     * Runs batches on the caller's thread while nobody else writes and its own work is not done, then hands
     * what is left to the database thread.
     */
    private void lead(CompletableFuture<?> future) {
        while (!future.isDone() && writing.tryLock()) {
            try {
                runOneBatch();
            } finally {
                writing.unlock();
            }
        }
        if (!tasks.isEmpty() || open) {
            // work that arrived while we wrote, or while another caller did; or a transaction left to commit
            LockSupport.unpark(thread);
        }
    }

    /**
     * Queues work and wakes the database thread when it must act: for the first work (to set its timer), and
     * when enough work has gathered. Work nobody waits for is gathered up to
     * {@value #DURABLE_COMMIT_NANOS} ns, so that it runs as one batch rather than one each.
     */
    private <T> CompletableFuture<T> enqueue(Work<T> work, boolean durable, boolean early, boolean waiting) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(closedFailure());
            return future;
        }
        Task<T> task = new Task<>(work, future, durable, early, waiting, System.nanoTime());
        if (task.urgent()) {
            urgent.incrementAndGet();
        }
        tasks.add(task);
        // counted after it is visible: a poll that follows the matching decrement always finds it
        int before = queued.getAndIncrement();
        // An urgent caller runs its batch itself, or whoever writes hands over to the database thread (see lead)
        if (!task.urgent() && (before <= 0 || before + 1 >= DURABLE_COMMIT_UNITS)) {
            LockSupport.unpark(thread);
        }
        if (closed) {
            failIfClosed(); // the database thread may have ended before the task was added
        }
        return future;
    }

    private void failIfClosed() {
        writing.lock();
        try {
            if (connectionClosed) {
                runOneBatch();
            }
        } finally {
            writing.unlock();
        }
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
                long wait;
                writing.lock();
                try {
                    wait = commitIfDue();
                } finally {
                    writing.unlock();
                }
                if (!tasks.isEmpty() || closed) {
                    continue; // work or close() came while we took the lock, whose wait may have used its unpark
                }
                if (wait > 0) {
                    LockSupport.parkNanos(this, wait);
                } else if (wait < 0) {
                    LockSupport.park(this);
                }
                continue;
            }
            long gathering = gatheringFor();
            if (gathering > 0) {
                LockSupport.parkNanos(this, gathering); // woken early by urgent work or enough of it
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
            if (open) {
                commitOrAbort();
            }
            closeConnection();
            connectionClosed = true;
            runOneBatch(); // fails whatever slipped in while closing
        } finally {
            writing.unlock();
        }
    }

    /**
     * How long the queued work may still wait for more to join its batch: none when it is urgent, when enough
     * has gathered, when the store is closing, or once the oldest has waited {@value #DURABLE_COMMIT_NANOS} ns
     * (or the open transaction is due).
     */
    private long gatheringFor() {
        Task<?> oldest = tasks.peek();
        if (oldest == null || closed || urgent.get() > 0 || queued.get() >= DURABLE_COMMIT_UNITS) {
            return 0;
        }
        long now = System.nanoTime();
        long left = oldest.submittedAt() + DURABLE_COMMIT_NANOS - now;
        long due = commitBy; // read without the lock: a stale value only ends the wait early or late by a batch
        return due != 0 ? Math.min(left, due - now) : left;
    }

    /** Runs the oldest pending work, up to a batch; the caller holds {@link #writing}. */
    private void runOneBatch() {
        List<Task<?>> batch = new ArrayList<>();
        for (Task<?> task; batch.size() < MAX_BATCH && (task = tasks.poll()) != null; ) {
            batch.add(task);
            queued.decrementAndGet();
            if (task.urgent()) {
                urgent.decrementAndGet();
            }
        }
        if (connectionClosed) {
            batch.forEach(task -> task.future().completeExceptionally(closedFailure()));
        } else if (!batch.isEmpty()) {
            runBatch(batch);
        }
    }

    /**
     * Runs a batch in the open transaction. Durable work is committed at once. Relaxed work is committed with
     * the next durable work, or within {@value #RELAXED_COMMIT_NANOS} ns: fewer commits write each changed page
     * fewer times, and cost fewer fsyncs.
     */
    private void runBatch(List<Task<?>> batch) {
        boolean commitNow = false;
        boolean durable = false;
        boolean savepoint = false;
        int awaitingBefore = awaitingCommit.size();
        List<Ran> ranEarly = new ArrayList<>();
        try {
            if (open) {
                execute("SAVEPOINT batch"); // a failing batch then undoes itself, not earlier work
                savepoint = true;
            }
            open = true;
            for (Task<?> task : batch) {
                Object result = null;
                Throwable refusal = null;
                readsUncommitted = false;
                try {
                    result = task.work().run(transaction);
                } catch (QueueFullException e) {
                    refusal = e;
                }
                // Early work that read rows of uncommitted durable work (the move of a message just queued) must
                // not send them before they are durable: it waits for the commit, which is made at once.
                boolean early = task.early() && !readsUncommitted;
                (early ? ranEarly : awaitingCommit).add(new Ran(task, result, refusal));
                commitNow |= task.waiting() || (task.early() && readsUncommitted);
                if (task.durable()) {
                    durable = true;
                    uncommittedDurable++;
                }
            }
            rows.endOfBatch(transaction);
            if (savepoint) {
                execute("RELEASE batch");
                savepoint = false;
            }
            uncommittedUnits += batch.size();
            long now = System.nanoTime();
            if (commitBy == 0) { // from when the oldest work was submitted: it may have been gathered meanwhile
                commitBy = batch.stream().mapToLong(Task::submittedAt).min().orElse(now) + RELAXED_COMMIT_NANOS;
            }
            if (durable && commitBy - (now + DURABLE_COMMIT_NANOS) > 0) {
                commitBy = now + DURABLE_COMMIT_NANOS;
            }
            // The deadline is checked here too, not only when idle: a drain that never lets the work run dry
            // must still commit in time. A caller that leads a batch only for early work (a drain's move) leaves
            // a commit that is merely due to the database thread, so that it can go on sending meanwhile.
            // (It still commits when the database thread has not for another 20 ms, or work piles up.)
            boolean dueLater = Thread.currentThread() != thread && now - commitBy < RELAXED_COMMIT_NANOS
                    && uncommittedUnits < MAX_RELAXED_UNITS;
            if (commitNow || (!dueLater && (uncommittedDurable >= DURABLE_COMMIT_UNITS
                    || uncommittedUnits >= MAX_RELAXED_UNITS || now - commitBy >= 0))) {
                commit();
            }
            ranEarly.forEach(ran -> complete(ran.task(), ran.result(), ran.refusal()));
        } catch (SQLException | RuntimeException e) {
            if (!savepoint || !undoBatch(batch, awaitingBefore, failure(e))) {
                abort(batch, failure(e));
            }
        }
    }

    /**
     * Undoes a failed batch alone, keeping the relaxed work before it (moves whose messages were sent already,
     * removals of acknowledged records). False if even that failed: then everything must be rolled back.
     */
    private boolean undoBatch(List<Task<?>> batch, int awaitingBefore, StoreException failure) {
        try {
            execute("ROLLBACK TO batch");
            execute("RELEASE batch");
        } catch (SQLException e) {
            failure.addSuppressed(e);
            return false;
        }
        LOG.error("event=store_batch_failed file={} units={}: {}", file, batch.size(), failure.getMessage());
        awaitingCommit.subList(awaitingBefore, awaitingCommit.size()).clear();
        savedSequence = -1;
        rows.rolledBack();
        batch.forEach(task -> task.future().completeExceptionally(failure));
        return true;
    }

    /** Commits relaxed work that waited long enough; returns nanoseconds to wait for that, or -1 for none. */
    private long commitIfDue() {
        if (!open) {
            return -1;
        }
        long left = commitBy - System.nanoTime();
        if (left > 0) {
            return left;
        }
        commitOrAbort();
        return -1;
    }

    private void commitOrAbort() {
        try {
            commit();
        } catch (SQLException | RuntimeException e) {
            abort(List.of(), failure(e));
        }
    }

    private void commit() throws SQLException {
        saveSequence();
        connection.commit();
        open = false;
        commitBy = 0;
        uncommittedUnits = 0;
        uncommittedDurable = 0;
        rows.committed();
        List<Ran> committed = awaitingCommit;
        awaitingCommit = new ArrayList<>();
        for (Ran ran : committed) {
            complete(ran.task(), ran.result(), ran.refusal());
        }
    }

    private StoreException failure(Exception e) {
        return e instanceof SQLException sql ? SqliteErrors.storeFailure(file, sql)
                : new StoreException("could not store in the database " + file + ": " + e, e);
    }

    /** Rolls the open transaction back and fails its work and the batch (work already told "done" stays so). */
    private void abort(List<Task<?>> batch, StoreException failure) {
        LOG.error("event=store_batch_failed file={} units={}: {}", file, batch.size() + awaitingCommit.size(),
                failure.getMessage());
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
            restartTransaction(failure);
        }
        open = false;
        commitBy = 0;
        uncommittedUnits = 0;
        uncommittedDurable = 0;
        deletesRows = false;
        savedSequence = -1;
        rows.rolledBack();
        List<Ran> lost = awaitingCommit;
        awaitingCommit = new ArrayList<>();
        lost.forEach(ran -> ran.task().future().completeExceptionally(failure));
        batch.forEach(task -> task.future().completeExceptionally(failure));
    }

    /**
     * After some failures (a full disk) SQLite has already rolled the transaction back, so the driver's rollback
     * fails and it does not begin the next transaction: turning autocommit off again makes it begin one.
     */
    private void restartTransaction(StoreException failure) {
        try {
            connection.setAutoCommit(true); // fails too, "no transaction is active", but leaves autocommit on
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            failure.addSuppressed(e);
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

    /** Runs a statement without parameters, prepared once (the driver's savepoint calls parse theirs anew). */
    private void execute(String sql) throws SQLException {
        transaction.prepared(sql).execute();
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
