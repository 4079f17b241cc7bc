package io.robmqtt.store;

import io.robmqtt.api.StoreException;
import io.robmqtt.common.ConfigRead;
import io.robmqtt.common.LogValue;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database file and the capacity settings that the offline queue and the inflight store share: the
 * component behind the {@value StoreConfig#PID} configuration. An internal service, not exported.
 *
 * <p>A configuration change applies live: new limits at once; a new durability or path reopens the database
 * (moving the stored messages into the new file) while work submitted meanwhile waits. The services built on
 * the store stay registered throughout.
 */
@Component(service = SqliteStore.class, immediate = true, configurationPid = StoreConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = StoreConfig.class)
public class SqliteStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

    /** An open database file, the memory of its rows, which belongs to that file alone, and its disk. */
    private record OpenFile(Database database, RowCache rows, DiskSpace disk) {}

    private final Clock clock;
    /** The monotonic clock the store's clock checks the system clock against. */
    private final LongSupplier nanos;
    /** Where a relative db.path is resolved; null for the working directory ({@link DataDirectory}). */
    private final Path dataDirectory;
    private final ReadWriteLock reopening = new ReentrantReadWriteLock();
    private final AtomicInteger recoveredCorruptFiles = new AtomicInteger();
    private volatile QueueLimits limits;
    private volatile OpenFile file;
    private StoreConfig config;

    /**
     * Opens the store of {@code config} outside SCR (benchmarks, tools): a relative db.path is in the working
     * directory.
     */
    public SqliteStore(StoreConfig config) {
        this(config, Map.of(), Clock.systemUTC(), System::nanoTime, null);
    }

    /**
     * Opens the store of {@code config}; {@code properties} are the values SCR converted it from, and a relative
     * db.path is resolved against the runtime's data directory, if it names one ({@link DataDirectory}).
     */
    @Activate
    public SqliteStore(StoreConfig config, Map<String, Object> properties, BundleContext context) {
        this(config, properties, Clock.systemUTC(), System::nanoTime, DataDirectory.of(context::getProperty));
    }

    /** A store whose clock is {@code clock} alone: it makes no jumps the store could see (for tests). */
    SqliteStore(StoreConfig config, Clock clock) {
        this(config, Map.of(), clock, () -> clock.millis() * 1_000_000, null);
    }

    /** A store on the system clock {@code clock}, checked for jumps against the monotonic {@code nanos}. */
    SqliteStore(StoreConfig config, Clock clock, LongSupplier nanos) {
        this(config, Map.of(), clock, nanos, null);
    }

    private SqliteStore(StoreConfig config, Map<String, ?> properties, Clock clock, LongSupplier nanos,
            Path dataDirectory) {
        this.clock = clock;
        this.nanos = nanos;
        this.dataDirectory = dataDirectory;
        if (dataDirectory != null) {
            LOG.info("event=data_directory dir={}: a relative db.path is resolved against it",
                    LogValue.of(dataDirectory));
        }
        this.limits = QueueLimits.from(config, properties);
        this.config = config;
        this.file = open(config, null);
    }

    /** Applies {@code next} (converted by SCR from {@code properties}), or refuses it and keeps the settings. */
    @Modified
    void modified(StoreConfig next, Map<String, ?> properties) {
        QueueLimits nextLimits;
        try {
            nextLimits = QueueLimits.from(next, properties);
            DatabaseFile.path(ConfigRead.read("db.path", "text", next::db_path));
            ConfigValues.option("db.synchronous", properties, StoreConfig.Synchronous.class, next::db_synchronous);
        } catch (IllegalArgumentException e) {
            LOG.error("event=config_refused pid={} reason={}: the store keeps its previous settings",
                    LogValue.of(StoreConfig.PID), LogValue.of(e.getMessage()));
            return;
        }
        limits = nextLimits;
        boolean moved = !samePath(path(next), path(config));
        if ((moved || next.db_synchronous() != config.db_synchronous()) && !reopen(next, moved)) {
            return;
        }
        config = next;
        LOG.info("event=store_configured max_queue_size={} max_queue_bytes={} max_payload_bytes={} "
                + "min_free_disk_bytes={}", nextLimits.maxQueueSize(), nextLimits.maxQueueBytes(),
                nextLimits.maxPayloadBytes(), nextLimits.minFreeDiskBytes());
    }

    /** The database file of {@code settings}: db.path, a relative one resolved against the data directory. */
    private Path path(StoreConfig settings) {
        return DataDirectory.resolve(dataDirectory, DatabaseFile.path(settings.db_path()));
    }

    private static boolean samePath(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return java.nio.file.Files.exists(a) && java.nio.file.Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Deactivate
    public void close() {
        reopening.writeLock().lock();
        try {
            file.database().close();
        } finally {
            reopening.writeLock().unlock();
        }
    }

    /** The capacity settings in force. */
    QueueLimits limits() {
        return limits;
    }

    /** The database file in use. */
    Path databaseFile() {
        return file.database().file();
    }

    /** The durability in force. */
    StoreConfig.Synchronous synchronous() {
        return config.db_synchronous();
    }

    /**
     * Refuses a new message with a {@link io.robmqtt.api.StoreException} while the disk's free space is below
     * {@code min.free.disk.bytes}.
     */
    void checkDiskFloor() {
        file.disk().check(limits.minFreeDiskBytes());
    }

    /** Why the database thread died of an error, or the empty string while it runs. */
    String threadFailure() {
        return file.database().threadFailure();
    }

    /** The disk under the open database file. */
    DiskSpace disk() {
        return file.disk();
    }

    /** How many corrupt database files were moved aside since the store started. */
    int recoveredCorruptFiles() {
        return recoveredCorruptFiles.get();
    }

    /** Work on one connection's messages, run on the database inside its transaction. */
    @FunctionalInterface
    interface ConnectionWork<T> {
        T run(Transaction tx, ConnectionMessages messages) throws SQLException;
    }

    /** Runs work and waits until it is committed, rethrowing its failure as it was thrown. */
    <T> T call(String connection, ConnectionWork<T> work) {
        return await(submit(Submission.CALL, connection, work));
    }

    /** Runs work on the database thread; the future completes once the work is committed. */
    <T> CompletableFuture<T> submit(String connection, ConnectionWork<T> work) {
        return submit(Submission.SUBMIT, connection, work);
    }

    /** Runs work on the database thread; see {@link Submission#SUBMIT_RELAXED}. */
    <T> CompletableFuture<T> submitRelaxed(String connection, ConnectionWork<T> work) {
        return submit(Submission.SUBMIT_RELAXED, connection, work);
    }

    /**
     * Runs work and waits until it ran, not until it is committed; see {@link Submission#CALL_BEFORE_COMMIT}.
     * Rethrows its failure as it was thrown.
     */
    <T> T callBeforeCommit(String connection, ConnectionWork<T> work) {
        return await(submit(Submission.CALL_BEFORE_COMMIT, connection, work));
    }

    /**
     * Hands work to the current database file, with that file's memory of the connection's messages; a move to
     * another file waits until this returns.
     */
    private <T> CompletableFuture<T> submit(Submission mode, String connection, ConnectionWork<T> work) {
        reopening.readLock().lock();
        try {
            OpenFile file = this.file;
            return file.database().submit(mode, tx -> work.run(tx, file.rows().of(tx, connection)));
        } finally {
            reopening.readLock().unlock();
        }
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new StoreException("store work failed: " + e.getCause(), e.getCause());
        }
    }

    private boolean reopen(StoreConfig next, boolean moved) {
        reopening.writeLock().lock();
        try {
            Path previous = file.database().file();
            file.database().close();
            try {
                file = open(next, moved ? previous : null);
            } catch (StoreException e) {
                LOG.error("event=config_refused pid={} db_path={} reason={}: reopening the previous database",
                        LogValue.of(StoreConfig.PID), LogValue.of(next.db_path()), LogValue.of(e.getMessage()));
                file = open(config, null);
                return false;
            }
            LOG.info("event=store_reopened file={} synchronous={}", LogValue.of(next.db_path()), next.db_synchronous());
            return true;
        } finally {
            reopening.writeLock().unlock();
        }
    }

    /** Opens the file of {@code settings}, first moving into it the messages of {@code previous}, if any. */
    private OpenFile open(StoreConfig settings, Path previous) {
        Path path = path(settings);
        DatabaseFile.Opened opened = DatabaseFile.open(path, settings.db_synchronous(), clock);
        if (previous != null) {
            try {
                DatabaseMove.moveFrom(opened.connection(), previous);
            } catch (SQLException e) {
                StoreException failure = SqliteErrors.storeFailure(path, e);
                DatabaseFile.closeAfterFailure(opened.connection(), failure);
                throw failure;
            }
        }
        if (opened.recoveredFromCorruption()) {
            recoveredCorruptFiles.incrementAndGet();
        }
        RowCache rows = new RowCache();
        Database database = new Database(path, opened.connection(), settings.db_synchronous(), rows,
                new CommitPolicy(System::nanoTime), new StoreClock(clock, nanos));
        return new OpenFile(database, rows, new DiskSpace(path, System::nanoTime));
    }
}
