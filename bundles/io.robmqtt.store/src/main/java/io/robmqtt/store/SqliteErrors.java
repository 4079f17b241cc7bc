package io.robmqtt.store;

import io.robmqtt.api.StoreException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;

/** Turns SQLite failures into errors that say what went wrong with which file and what to do. */
final class SqliteErrors {
    private SqliteErrors() {}

    static StoreException storeFailure(Path file, SQLException e) {
        return new StoreException(describe(file, e), e);
    }

    static String describe(Path file, SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        String advice;
        if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
            advice = "the disk (or the database's size limit) is full; free space so messages can be stored";
        } else if (primary == SQLiteErrorCode.SQLITE_READONLY.code || primary == SQLiteErrorCode.SQLITE_PERM.code) {
            advice = "the database file or its directory is read-only; make it writable";
        } else if (primary == SQLiteErrorCode.SQLITE_IOERR.code || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
            advice = "the file system failed to read or write it; check the disk and the path";
        } else if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
            advice = "another process holds it locked; each gateway needs its own db.path";
        } else {
            advice = "SQLite error " + e.getErrorCode();
        }
        return "could not store in the database " + file + ": " + advice + " (" + e.getMessage() + ")";
    }

    static boolean isCorruption(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == SQLiteErrorCode.SQLITE_CORRUPT.code || primary == SQLiteErrorCode.SQLITE_NOTADB.code;
    }

    /** A failure of work on the database, said with the file's name. */
    static StoreException failure(Path file, Exception e) {
        return e instanceof SQLException sql ? storeFailure(file, sql)
                : new StoreException("could not store in the database " + file + ": " + e, e);
    }

    /** Work handed to a store that is closed. */
    static StoreException closed(Path file) {
        return new StoreException("the store " + file + " is closed (robmqtt is stopping or reconfiguring); "
                + "the message was not stored", null);
    }
}
