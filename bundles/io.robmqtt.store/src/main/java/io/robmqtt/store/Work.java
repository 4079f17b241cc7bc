package io.robmqtt.store;

import java.sql.SQLException;

/** A unit of work the {@link Database} runs, on its thread or a leading caller's, inside the open transaction. */
@FunctionalInterface
interface Work<T> {
    T run(Transaction transaction) throws SQLException;
}
