package io.robmqtt.store;

import io.robmqtt.api.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The database's one connection and its open transaction: prepared statements kept for reuse, the sequence,
 * savepoints around each batch, commit and rollback. Used only by the thread that holds the database's writing
 * lock.
 */
final class SqliteTransaction implements Transaction {
    private static final String SAVEPOINT = "SAVEPOINT batch";
    private static final String RELEASE = "RELEASE batch";
    private static final String ROLLBACK_TO = "ROLLBACK TO batch";

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private long lastSequence;
    /** The last sequence recorded in the file; -1 when unknown (after a rollback). */
    private long savedSequence;
    private boolean deletesRows;
    private boolean readsUncommitted;
    private final StoreClock clock;

    /** Takes over a connection with autocommit off, and commits what was done on it before. */
    SqliteTransaction(Connection connection, StoreClock clock) throws SQLException {
        this.connection = connection;
        this.clock = clock;
        try (Statement statement = connection.createStatement()) {
            lastSequence = Schema.lastSequence(statement);
            clock.open(statement);
        }
        savedSequence = lastSequence;
        connection.commit();
    }

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
    public long now() {
        return clock.millis();
    }

    @Override
    public void deletesRows() {
        deletesRows = true;
    }

    @Override
    public void readsUncommitted() {
        readsUncommitted = true;
    }

    long lastSequence() {
        return lastSequence;
    }

    /** Whether the unit of work that just ran read uncommitted rows; clears the mark for the next unit. */
    boolean unitReadUncommitted() {
        boolean read = readsUncommitted;
        readsUncommitted = false;
        return read;
    }

    /** Marks the start of a batch inside the open transaction, so that a failing batch can undo itself alone. */
    void savepoint() throws SQLException {
        execute(SAVEPOINT);
    }

    void releaseSavepoint() throws SQLException {
        execute(RELEASE);
    }

    /** Undoes the work since the savepoint, and forgets the savepoint. */
    void rollbackToSavepoint() throws SQLException {
        execute(ROLLBACK_TO);
        execute(RELEASE);
        savedSequence = -1;
    }

    /** Records the last sequence where rows were deleted, and the clock's correction if it changed; commits. */
    void commit() throws SQLException {
        saveSequence();
        boolean clockWritten = clock.save(this);
        connection.commit();
        if (clockWritten) {
            clock.saved();
        }
    }

    /** Rolls the open transaction back; what fails on the way is added to {@code failure}. */
    void rollback(StoreException failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
            restartTransaction(failure);
        }
        deletesRows = false;
        savedSequence = -1;
    }

    /** Closes the statements and the connection. */
    void close() throws SQLException {
        for (PreparedStatement statement : statements.values()) {
            statement.close();
        }
        connection.close();
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

    /**
     * Once the rows holding the highest sequences are deleted, only the record of the last sequence keeps a
     * restart from giving them again.
     */
    private void saveSequence() throws SQLException {
        boolean needed = deletesRows && lastSequence != savedSequence;
        deletesRows = false;
        if (!needed) {
            return;
        }
        PreparedStatement update = prepared("UPDATE meta SET value = ? WHERE key = 'last_sequence'");
        update.setLong(1, lastSequence);
        update.executeUpdate();
        savedSequence = lastSequence;
    }

    /** Runs a statement without parameters, prepared once (the driver's savepoint calls parse theirs anew). */
    private void execute(String sql) throws SQLException {
        prepared(sql).execute();
    }
}
