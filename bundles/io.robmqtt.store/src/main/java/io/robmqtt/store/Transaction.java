package io.robmqtt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** What work sees of the database: the connection in its transaction, statements, and the sequence. */
interface Transaction {
    Connection connection();

    /** A prepared statement for {@code sql}, kept for reuse: do not close it. */
    PreparedStatement prepared(String sql) throws SQLException;

    /** The store's clock, in milliseconds since the epoch: the system clock less its jumps ({@link StoreClock}). */
    long now();

    /** The next sequence number: never given twice. */
    long nextSequence();

    /**
     * Declares that this transaction deletes rows, so the last sequence given is recorded with it: once the
     * rows holding the highest sequences are gone, only that record keeps a restart from giving them again.
     */
    void deletesRows();

    /**
     * Declares that the running work read rows written by durable work that is not committed yet: work
     * submitted {@link Submission#CALL_BEFORE_COMMIT} that did so is told "done" only after the commit,
     * which then is made at once.
     */
    void readsUncommitted();
}
