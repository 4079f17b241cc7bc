package io.robmqtt.store;

import io.robmqtt.api.StoreException;
import io.robmqtt.common.LogValue;
import io.robmqtt.store.StoreConfig.Synchronous;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Opens the database file: creates it readable by its owner only, sets WAL and the durability level, checks
 * it, and moves a corrupt file aside (never deletes it) before starting afresh.
 */
final class DatabaseFile {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseFile.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String[] SIDE_FILES = {"", "-wal", "-shm"};

    /** An open connection and whether a corrupt file had to be moved aside to get it. */
    record Opened(Connection connection, boolean recoveredFromCorruption) {}

    private DatabaseFile() {}

    /** What every SQLite database file starts with. */
    private static final byte[] HEADER = "SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The configured {@code db.path} as a file path, refused unless it is a plain file path: SQLite would take an
     * empty path or {@code :memory:} for a database that vanishes with the process, a {@code file:} URI or a
     * {@code ?} for options (such as {@code synchronous=OFF}) that undo the durability robmqtt promises.
     */
    static Path path(String configured) {
        String p = configured == null ? "" : configured.trim();
        if (p.isEmpty() || p.equals(":memory:") || p.startsWith("file:") || p.indexOf('?') >= 0) {
            throw new IllegalArgumentException("db.path is '" + configured + "'; it must be a plain file path (not "
                    + "empty, not :memory:, no file: URI, no '?' options): the queue must live in a file on disk");
        }
        Path path;
        try {
            path = Path.of(p);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("db.path is not a file path this system allows (" + e.getReason()
                    + " at index " + e.getIndex() + "); it must name a database file", e);
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("db.path " + path + " is a directory; it must name a database file");
        }
        return path;
    }

    static Opened open(Path file, Synchronous synchronous, Clock clock) {
        refuseForeignFile(file);
        createOwnerOnly(file);
        try {
            return new Opened(openChecked(file, synchronous), false);
        } catch (SQLException e) {
            if (!SqliteErrors.isCorruption(e) && !(e instanceof CorruptDatabase)) {
                throw SqliteErrors.storeFailure(file, e);
            }
            Path aside = moveAside(file, clock);
            LOG.error("event=database_corrupt file={} moved_to={} reason={}: starting with an empty database; "
                    + "the old file is kept for inspection", LogValue.of(file), LogValue.of(aside),
                    LogValue.of(e.getMessage()));
        }
        createOwnerOnly(file);
        try {
            return new Opened(openChecked(file, synchronous), true);
        } catch (SQLException e) {
            throw SqliteErrors.storeFailure(file, e);
        }
    }

    /**
     * A file that exists and is not a SQLite database (a typo pointing at some other file) is a configuration
     * error, and the file is left alone: only a SQLite file that fails its checks is moved aside as corrupt. A file
     * whose first bytes are zeros (a torn or wiped first page) or that has a write-ahead log beside it was a
     * database: that is damage, not a typo.
     */
    private static void refuseForeignFile(Path file) {
        byte[] start = new byte[HEADER.length];
        int read;
        try (var in = Files.newInputStream(file)) {
            read = in.readNBytes(start, 0, start.length);
        } catch (java.nio.file.NoSuchFileException e) {
            return; // a new database
        } catch (IOException e) {
            throw new StoreException("could not read the database file " + file + ": " + e, e);
        }
        boolean zeroed = java.util.Arrays.equals(start, new byte[HEADER.length]); // a torn or wiped first page
        boolean logBeside = Files.exists(file.resolveSibling(file.getFileName() + "-wal"));
        if (read > 0 && !java.util.Arrays.equals(start, HEADER) && !zeroed && !logBeside) {
            throw new StoreException("db.path " + file.toAbsolutePath() + " is not a SQLite database (it does not "
                    + "start with SQLite's header); robmqtt leaves it as it is: set db.path to the database file, or "
                    + "to a new path", null);
        }
    }

    private static Connection openChecked(Path file, Synchronous synchronous) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous.name()));
        config.setBusyTimeout(5_000);
        // The driver otherwise runs "SELECT last_insert_rowid()" after every insert for getGeneratedKeys, which
        // robmqtt never calls (it gives the sequences itself): that halves the cost of a row insert.
        config.setGetGeneratedKeys(false);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        Connection connection = source.getConnection();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet check = statement.executeQuery("PRAGMA quick_check")) {
                String result = check.next() ? check.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new CorruptDatabase("quick_check: " + result);
                }
            }
            Schema.create(statement);
            checkDurable(file, statement, synchronous);
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException | RuntimeException e) {
            closeAfterFailure(connection, e);
            throw e;
        }
    }

    /** The database must be a file, with the configured synchronous mode, whatever the path or driver made of it. */
    private static void checkDurable(Path file, Statement statement, Synchronous synchronous) throws SQLException {
        try (ResultSet main = statement.executeQuery("PRAGMA database_list")) {
            String path = main.next() ? main.getString("file") : null;
            if (path == null || path.isEmpty()) {
                throw new StoreException("db.path " + file + " opened a temporary or in-memory database, not a file",
                        null);
            }
        }
        int expected = synchronous == Synchronous.FULL ? 2 : 1;
        try (ResultSet mode = statement.executeQuery("PRAGMA synchronous")) {
            int actual = mode.next() ? mode.getInt(1) : -1;
            if (actual != expected) {
                throw new StoreException("the database " + file + " runs with synchronous=" + actual + " where "
                        + "db.synchronous " + synchronous + " needs " + expected, null);
            }
        }
    }

    static void closeAfterFailure(Connection connection, Exception failure) {
        try {
            connection.close();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static void createOwnerOnly(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (FileAlreadyExistsException e) {
            // an existing database keeps the permissions it has
        } catch (IOException e) {
            throw new StoreException("could not create the database file " + file + ": " + e, e);
        }
    }

    private static Path moveAside(Path file, Clock clock) {
        String suffix = ".corrupt-" + STAMP.format(clock.instant());
        Path aside = file.resolveSibling(file.getFileName() + suffix);
        for (int n = 1; Files.exists(aside); n++) {
            aside = file.resolveSibling(file.getFileName() + suffix + "-" + n);
        }
        try {
            for (String side : SIDE_FILES) {
                Path source = file.resolveSibling(file.getFileName() + side);
                if (Files.exists(source)) {
                    Files.move(source, aside.resolveSibling(aside.getFileName() + side));
                }
            }
        } catch (IOException e) {
            throw new StoreException("the database " + file + " is corrupt and could not be moved aside to "
                    + aside + ": " + e + "; move or remove it by hand", e);
        }
        return aside;
    }

    /** The file opened, but SQLite's check found it damaged. */
    private static final class CorruptDatabase extends SQLException {
        private static final long serialVersionUID = 1L;

        CorruptDatabase(String reason) {
            super(reason);
        }
    }
}
