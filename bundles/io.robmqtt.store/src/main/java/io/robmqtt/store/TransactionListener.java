package io.robmqtt.store;

import java.sql.SQLException;

/** Told of every batch, commit and rollback: the state kept in memory about what the file holds. */
interface TransactionListener {
    /** After the work of every batch, in its transaction: work may leave its writes to this. */
    void endOfBatch(Transaction transaction) throws SQLException;

    /** After every commit. */
    void committed();

    /** When a batch was undone or could not be committed: what is in memory may be stale. */
    void rolledBack();
}
