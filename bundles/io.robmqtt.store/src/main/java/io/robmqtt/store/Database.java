package io.robmqtt.store;

import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.StoreException;
import io.robmqtt.common.LogValue;
import io.robmqtt.store.StoreConfig.Synchronous;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Reads and writes run one batch at a time, in submission order, on the database thread or on a caller that
 * leads its own batch ({@link Submission#CALL}). Work submitted while a commit is under way waits and is then
 * run as one batch, in one transaction with one fsync. Futures of durable work complete only after the commit,
 * so a completed future means durable. This is group commit: concurrent publishers share an fsync instead of
 * queueing for one each. When the commit is made is the {@link CommitPolicy}'s to say; how work is submitted,
 * the {@link Submission}'s.
 *
 * <p>A unit of work may refuse ({@link QueueFullException}) only before it writes anything; that fails the unit
 * alone. Any other failure undoes its batch and fails every unit in it, so nothing half-written is ever committed
 * and nobody is told "stored" for a batch that was not.
 */
final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    /** The most units of work run in one batch. */
    private static final int MAX_BATCH = 1_000;

    /** Work, its future, how it was submitted and when. */
    private record Task<T>(Work<T> work, CompletableFuture<T> future, Submission mode, long submittedAt) {}

    /** Work that ran and whose future completes at the next commit. */
    private record Ran(Task<?> task, Object result, Throwable refusal) {}

    private final Path file;
    private final SqliteTransaction transaction;
    private final TransactionListener listener;
    private final CommitPolicy policy;
    private final Queue<Task<?>> tasks = new ConcurrentLinkedQueue<>();
    /** How many tasks are queued, and how many of them are urgent. */
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger urgent = new AtomicInteger();
    /** Held by whichever thread runs a batch: the database thread or a caller leading its own batch. */
    private final ReentrantLock writing = new ReentrantLock();
    private final Thread thread;
    private volatile boolean closed;
    /** Why the database thread died, or null while it runs. */
    private volatile String died;
    // Changed only by the thread holding #writing:
    private boolean connectionClosed;
    /** Whether work ran since the last commit. */
    private volatile boolean open;
    private List<Ran> awaitingCommit = new ArrayList<>();

    /**
     * Takes over an open connection (autocommit off) and starts the database thread.
     *
     * @param listener the state kept in memory about the file, told of every batch, commit and rollback
     * @param clock the store's clock, whose correction is kept in the file
     */
    Database(Path file, Connection connection, Synchronous synchronous, TransactionListener listener,
            CommitPolicy policy, StoreClock clock) {
        this.file = file;
        this.listener = listener;
        this.policy = policy;
        try {
            this.transaction = new SqliteTransaction(connection, clock);
        } catch (SQLException e) {
            StoreException failure = SqliteErrors.storeFailure(file, e);
            DatabaseFile.closeAfterFailure(connection, failure);
            throw failure;
        }
        thread = new Thread(this::runTasks, "robmqtt-store " + file.getFileName());
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(this::died);
        thread.start();
        LOG.info("event=store_opened file={} synchronous={} last_sequence={}", LogValue.of(file), synchronous,
                transaction.lastSequence());
    }

    Path file() {
        return file;
    }

    /** Why the database thread died of an error, or the empty string while it runs. */
    String threadFailure() {
        String why = died;
        return why == null ? "" : why;
    }

    private void died(Thread thread, Throwable error) {
        died = thread.getName() + ": " + error;
        LOG.error("event=thread_died file={} thread={} reason={}: the store no longer writes in the background; "
                + "/health/live answers 503 until the gateway is restarted", LogValue.of(file),
                LogValue.of(thread.getName()), LogValue.of(error), error);
    }

    /**
     * Hands work over as {@code mode} says. The future completes after the commit, or for
     * {@link Submission#CALL_BEFORE_COMMIT} as soon as the work ran; with {@link Submission#CALL} and
     * {@link Submission#CALL_BEFORE_COMMIT}, the caller runs the pending batch itself when nobody writes.
     */
    <T> CompletableFuture<T> submit(Submission mode, Work<T> work) {
        CompletableFuture<T> future = enqueue(work, mode);
        if (mode == Submission.CALL_BEFORE_COMMIT && writing.isHeldByCurrentThread()) {
            // called from work or a completion on the writing thread: the database thread cannot run it now
            while (!future.isDone()) {
                runOneBatch();
            }
        } else if (mode == Submission.CALL || mode == Submission.CALL_BEFORE_COMMIT) {
            lead(future);
        }
        return future;
    }

    /**
     * Runs batches on the caller's thread while nobody else writes and its own work is not done, then hands what
     * is left to the database thread. A caller that finds the database idle is spared two thread hand-offs;
     * otherwise its work joins the next batch of whoever is writing.
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
     * when enough work has gathered. An urgent caller runs its batch itself, or whoever writes hands over to the
     * database thread (see {@link #lead}).
     */
    private <T> CompletableFuture<T> enqueue(Work<T> work, Submission mode) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(SqliteErrors.closed(file));
            return future;
        }
        Task<T> task = new Task<>(work, future, mode, policy.now());
        if (mode.urgent()) {
            urgent.incrementAndGet();
        }
        tasks.add(task);
        // counted after it is visible: a poll that follows the matching decrement always finds it
        int before = queued.getAndIncrement();
        if (!mode.urgent() && CommitPolicy.wakesDatabase(before)) {
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
            LOG.warn("event=store_close_interrupted file={}: work still queued fails with 'store is closed'",
                    LogValue.of(file));
        }
    }

    private void runTasks() {
        while (!(closed && tasks.isEmpty())) {
            if (tasks.isEmpty()) {
                waitForWork();
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

    /** Commits the open transaction when it is due, then waits for work or for the next deadline. */
    private void waitForWork() {
        long wait = -1;
        writing.lock();
        try {
            if (open) {
                wait = policy.dueIn();
                if (wait <= 0) {
                    commitOrAbort();
                    wait = -1;
                }
            }
        } finally {
            writing.unlock();
        }
        if (!tasks.isEmpty() || closed) {
            return; // work or close() came while we took the lock, whose wait may have used its unpark
        }
        if (wait > 0) {
            LockSupport.parkNanos(this, wait);
        } else {
            LockSupport.park(this);
        }
    }

    /** How long the queued work may still wait for more to join its batch; none when the store is closing. */
    private long gatheringFor() {
        Task<?> oldest = tasks.peek();
        if (oldest == null || closed) {
            return 0;
        }
        return policy.gatheringFor(oldest.submittedAt(), queued.get(), urgent.get() > 0);
    }

    /** Runs the oldest pending work, up to a batch; the caller holds {@link #writing}. */
    private void runOneBatch() {
        List<Task<?>> batch = new ArrayList<>();
        for (Task<?> task; batch.size() < MAX_BATCH && (task = tasks.poll()) != null; ) {
            batch.add(task);
            queued.decrementAndGet();
            if (task.mode().urgent()) {
                urgent.decrementAndGet();
            }
        }
        if (connectionClosed) {
            batch.forEach(task -> task.future().completeExceptionally(SqliteErrors.closed(file)));
        } else if (!batch.isEmpty()) {
            runBatch(batch);
        }
    }

    /** Runs a batch in the open transaction, and commits when the policy says so. */
    private void runBatch(List<Task<?>> batch) {
        boolean mustCommit = false;
        int durable = 0;
        boolean savepoint = false;
        int awaitingBefore = awaitingCommit.size();
        List<Ran> ranEarly = new ArrayList<>();
        try {
            if (open) {
                transaction.savepoint(); // a failing batch then undoes itself, not earlier work
                savepoint = true;
            }
            open = true;
            for (Task<?> task : batch) {
                Object result = null;
                Throwable refusal = null;
                transaction.unitReadUncommitted(); // each unit starts unmarked
                try {
                    result = task.work().run(transaction);
                } catch (QueueFullException e) {
                    refusal = e;
                }
                // Work that read rows of uncommitted durable work (the move of a message just queued) must not
                // send them before they are durable: it waits for the commit, which is made at once.
                boolean readUncommitted = transaction.unitReadUncommitted();
                boolean early = task.mode().beforeCommit && !readUncommitted;
                (early ? ranEarly : awaitingCommit).add(new Ran(task, result, refusal));
                mustCommit |= task.mode().waitsForCommit || (task.mode().beforeCommit && readUncommitted);
                durable += task.mode().durable ? 1 : 0;
            }
            listener.endOfBatch(transaction);
            if (savepoint) {
                transaction.releaseSavepoint();
                savepoint = false;
            }
            long oldest = Long.MAX_VALUE;
            for (Task<?> task : batch) {
                oldest = Math.min(oldest, task.submittedAt());
            }
            if (policy.batchRan(oldest, batch.size(), durable, mustCommit, Thread.currentThread() != thread)) {
                commit();
            }
            ranEarly.forEach(ran -> complete(ran.task(), ran.result(), ran.refusal()));
        } catch (SQLException | RuntimeException e) {
            if (!savepoint || !undoBatch(batch, awaitingBefore, SqliteErrors.failure(file, e))) {
                abort(batch, SqliteErrors.failure(file, e));
            }
        }
    }

    /**
     * Undoes a failed batch alone, keeping the relaxed work before it (moves whose messages were sent already,
     * removals of acknowledged records). False if even that failed: then everything must be rolled back.
     */
    private boolean undoBatch(List<Task<?>> batch, int awaitingBefore, StoreException failure) {
        try {
            transaction.rollbackToSavepoint();
        } catch (SQLException e) {
            failure.addSuppressed(e);
            return false;
        }
        LOG.error("event=store_batch_failed file={} units={}: {}", LogValue.of(file), batch.size(),
                failure.getMessage());
        awaitingCommit.subList(awaitingBefore, awaitingCommit.size()).clear();
        listener.rolledBack();
        batch.forEach(task -> task.future().completeExceptionally(failure));
        return true;
    }

    private void commitOrAbort() {
        try {
            commit();
        } catch (SQLException | RuntimeException e) {
            abort(List.of(), SqliteErrors.failure(file, e));
        }
    }

    private void commit() throws SQLException {
        transaction.commit();
        open = false;
        policy.reset();
        listener.committed();
        List<Ran> committed = awaitingCommit;
        awaitingCommit = new ArrayList<>();
        for (Ran ran : committed) {
            complete(ran.task(), ran.result(), ran.refusal());
        }
    }

    /** Rolls the open transaction back and fails its work and the batch (work already told "done" stays so). */
    private void abort(List<Task<?>> batch, StoreException failure) {
        LOG.error("event=store_batch_failed file={} units={}: {}", LogValue.of(file),
                batch.size() + awaitingCommit.size(), failure.getMessage());
        transaction.rollback(failure);
        open = false;
        policy.reset();
        listener.rolledBack();
        List<Ran> lost = awaitingCommit;
        awaitingCommit = new ArrayList<>();
        lost.forEach(ran -> ran.task().future().completeExceptionally(failure));
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

    private void closeConnection() {
        try {
            transaction.close();
            LOG.info("event=store_closed file={}", LogValue.of(file));
        } catch (SQLException e) {
            LOG.error("event=store_close_failed file={}: {}", LogValue.of(file), SqliteErrors.describe(file, e));
        }
    }
}
