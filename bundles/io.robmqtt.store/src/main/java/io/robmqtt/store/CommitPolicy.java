package io.robmqtt.store;

import java.util.function.LongSupplier;

/**
 * When work runs and when the open transaction is committed: the group-commit rules, on a clock given to it.
 *
 * <ul>
 *   <li><b>Gathering.</b> Work nobody waits for may wait up to {@value #DURABLE_COMMIT_NANOS} ns after its
 *       submission, or until {@value #DURABLE_COMMIT_UNITS} units are queued, for more work to run in the same
 *       batch. Urgent work (a caller waits) runs at once.
 *   <li><b>Commit now.</b> A batch holding work whose caller waits for the commit is committed at once.
 *   <li><b>Durable deadline.</b> Durable work is committed within {@value #DURABLE_COMMIT_NANOS} ns of the batch
 *       it ran in, or as soon as {@value #DURABLE_COMMIT_UNITS} durable units are uncommitted.
 *   <li><b>Relaxed deadline.</b> Relaxed work is committed within {@value #RELAXED_COMMIT_NANOS} ns of the
 *       submission of the oldest uncommitted work, or once {@value #MAX_RELAXED_UNITS} units are uncommitted.
 *   <li><b>Overdue.</b> A batch led by a caller (not the database thread) leaves a commit that is merely due to
 *       the database thread, so that the caller goes on; only once the commit is a further
 *       {@value #RELAXED_COMMIT_NANOS} ns overdue, or {@value #MAX_RELAXED_UNITS} units wait, does the caller
 *       commit itself.
 * </ul>
 *
 * <p>Used by the thread that runs batches; {@link #gatheringFor} also by the database thread without the lock,
 * where a stale deadline only ends a wait a batch early or late.
 */
final class CommitPolicy {
    /** How long relaxed work may wait for its commit. */
    static final long RELAXED_COMMIT_NANOS = 20_000_000;
    /** How much relaxed work may wait for its commit. */
    static final int MAX_RELAXED_UNITS = 10_000;
    /**
     * How long durable work whose caller does not wait may wait for company before its commit: one fsync then
     * serves the work of a few milliseconds, not of one fsync's time.
     */
    static final long DURABLE_COMMIT_NANOS = 4_000_000;
    /** How much such durable work is company enough: it is then committed at once. */
    static final int DURABLE_COMMIT_UNITS = 256;

    private final LongSupplier nanoTime;
    /** When the open transaction is to be committed at the latest; 0 when nothing waits for a commit. */
    private volatile long commitBy;
    /** Units of work run since the last commit. */
    private int uncommittedUnits;
    /** Units of durable work run since the last commit. */
    private int uncommittedDurable;

    CommitPolicy(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The policy's clock, in nanoseconds: submissions are stamped with it. */
    long now() {
        return nanoTime.getAsLong();
    }

    /**
     * Whether work nobody waits for, just queued behind {@code queuedBefore} others, must wake the database thread:
     * the first (to set its timer), and the one that makes the queue company enough.
     */
    static boolean wakesDatabase(int queuedBefore) {
        return queuedBefore <= 0 || queuedBefore + 1 >= DURABLE_COMMIT_UNITS;
    }

    /**
     * How long queued work may still wait for more to join its batch, in nanoseconds; 0 or less to run it now.
     *
     * @param oldestSubmittedAt when the oldest queued work was submitted
     * @param queued how many units are queued
     * @param urgent whether a caller waits for some of them
     */
    long gatheringFor(long oldestSubmittedAt, int queued, boolean urgent) {
        if (urgent || queued >= DURABLE_COMMIT_UNITS) {
            return 0;
        }
        long now = now();
        long left = oldestSubmittedAt + DURABLE_COMMIT_NANOS - now;
        long due = commitBy;
        return due != 0 ? Math.min(left, due - now) : left;
    }

    /**
     * Records a batch that ran in the open transaction, and tells whether to commit now.
     *
     * @param oldestSubmittedAt when the batch's oldest work was submitted
     * @param units the units of work in the batch
     * @param durableUnits how many of them are durable
     * @param mustCommit whether a caller waits for this batch's commit
     * @param ledByCaller whether a caller ran the batch, not the database thread
     */
    boolean batchRan(long oldestSubmittedAt, int units, int durableUnits, boolean mustCommit, boolean ledByCaller) {
        uncommittedUnits += units;
        uncommittedDurable += durableUnits;
        long now = now();
        if (commitBy == 0) { // from when the oldest work was submitted: it may have been gathered meanwhile
            commitBy = oldestSubmittedAt + RELAXED_COMMIT_NANOS;
        }
        if (durableUnits > 0 && commitBy - (now + DURABLE_COMMIT_NANOS) > 0) {
            commitBy = now + DURABLE_COMMIT_NANOS;
        }
        if (mustCommit) {
            return true;
        }
        // The deadline is checked here too, not only when idle: a drain that never lets the work run dry must
        // still commit in time.
        boolean leftToDatabaseThread = ledByCaller && now - commitBy < RELAXED_COMMIT_NANOS
                && uncommittedUnits < MAX_RELAXED_UNITS;
        return !leftToDatabaseThread && (uncommittedDurable >= DURABLE_COMMIT_UNITS
                || uncommittedUnits >= MAX_RELAXED_UNITS || now - commitBy >= 0);
    }

    /** Nanoseconds until the open transaction is due; 0 or less when it is due now. */
    long dueIn() {
        return commitBy - now();
    }

    /** The open transaction was committed or rolled back: nothing waits for a commit. */
    void reset() {
        commitBy = 0;
        uncommittedUnits = 0;
        uncommittedDurable = 0;
    }
}
