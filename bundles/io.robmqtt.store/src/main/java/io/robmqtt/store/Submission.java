package io.robmqtt.store;

/**
 * How work is handed to the {@link Database}: whether its caller waits, and for what. Each mode is named like
 * the method of {@link SqliteStore} that uses it.
 */
enum Submission {
    /**
     * The caller waits until its work is committed, and runs the batch itself when nobody writes, sparing two
     * thread hand-offs. The commit is made at once ({@code enqueue}, {@code add}, reads).
     */
    CALL(true, false, true),
    /**
     * Durable work nobody waits for: it may wait up to 4 ms, or until 256 units wait, for more work to share its
     * batch and fsync. Its future completes after the commit ({@code enqueueAsync}).
     */
    SUBMIT(true, false, false),
    /**
     * Work whose loss is harmless (removing the records of acknowledged messages): committed with the next
     * durable work, or within 20 ms. A crash before that undoes it, and the message is sent once more.
     */
    SUBMIT_RELAXED(false, false, false),
    /**
     * The caller waits until its work ran, not until it is committed; the commit is relaxed. For work whose loss
     * is harmless (a drain's move of messages from the queue to inflight). Work that read rows of uncommitted
     * durable work waits for their commit, which is then made at once.
     */
    CALL_BEFORE_COMMIT(false, true, false);

    /** Whether the work counts towards a commit made soon, rather than within the relaxed deadline. */
    final boolean durable;
    /** Whether the future completes as soon as the work ran, before the commit. */
    final boolean beforeCommit;
    /** Whether the caller waits for the commit: it is made at once. */
    final boolean waitsForCommit;

    Submission(boolean durable, boolean beforeCommit, boolean waitsForCommit) {
        this.durable = durable;
        this.beforeCommit = beforeCommit;
        this.waitsForCommit = waitsForCommit;
    }

    /** Whether somebody waits for the work to run: it is not gathered with later work. */
    boolean urgent() {
        return waitsForCommit || beforeCommit;
    }
}
