package io.robmqtt.store;

import io.robmqtt.api.StoreException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
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

    private final Clock clock;
    private final ReadWriteLock reopening = new ReentrantReadWriteLock();
    private final AtomicInteger recoveredCorruptFiles = new AtomicInteger();
    private volatile QueueLimits limits;
    private volatile Database database;
    private StoreConfig config;

    @Activate
    public SqliteStore(StoreConfig config) {
        this(config, Clock.systemUTC());
    }

    SqliteStore(StoreConfig config, Clock clock) {
        this.clock = clock;
        this.limits = QueueLimits.from(config);
        this.config = config;
        this.database = open(config, null);
    }

    @Modified
    void modified(StoreConfig next) {
        QueueLimits nextLimits;
        try {
            nextLimits = QueueLimits.from(next);
        } catch (IllegalArgumentException e) {
            LOG.error("event=config_refused pid={} reason=\"{}\": the store keeps its previous settings",
                    StoreConfig.PID, e.getMessage());
            return;
        }
        limits = nextLimits;
        boolean moved = !Path.of(next.db_path()).equals(Path.of(config.db_path()));
        if ((moved || next.db_synchronous() != config.db_synchronous()) && !reopen(next, moved)) {
            return;
        }
        config = next;
        LOG.info("event=store_configured max_queue_size={} max_queue_bytes={} max_payload_bytes={}",
                nextLimits.maxQueueSize(), nextLimits.maxQueueBytes(), nextLimits.maxPayloadBytes());
    }

    @Deactivate
    public void close() {
        reopening.writeLock().lock();
        try {
            database.close();
        } finally {
            reopening.writeLock().unlock();
        }
    }

    /** The capacity settings in force. */
    QueueLimits limits() {
        return limits;
    }

    /** How many corrupt database files were moved aside since the store started. */
    int recoveredCorruptFiles() {
        return recoveredCorruptFiles.get();
    }

    /**
     * The rows of a connection as the store keeps them in memory; only for work running on the database, whose
     * changes to them are written at the end of its batch.
     */
    ConnectionRows rows(Database.Transaction tx, String connection) throws SQLException {
        return ((StoredRows) tx.rows()).of(tx, connection); // every Database this store opens has StoredRows
    }

    /** Runs work on the database thread; the future completes once the work is committed. */
    <T> CompletableFuture<T> submit(Database.Work<T> work) {
        return onDatabase(database -> database.submit(work));
    }

    /** Runs work on the database thread; see {@link Database#submitRelaxed}. */
    <T> CompletableFuture<T> submitRelaxed(Database.Work<T> work) {
        return onDatabase(database -> database.submitRelaxed(work));
    }

    /**
     * Runs work on the database thread and waits until it ran, not until it is committed; see
     * {@link Database#submitBeforeCommit}. Rethrows its failure as it was thrown.
     */
    <T> T callBeforeCommit(Database.Work<T> work) {
        return await(onDatabase(database -> database.submitBeforeCommit(work)));
    }

    /** Runs work and waits until it is committed, rethrowing its failure as it was thrown. */
    <T> T call(Database.Work<T> work) {
        return await(onDatabase(database -> database.call(work)));
    }

    /** Hands work to the current database file; a move to another file waits until this returns. */
    private <T> CompletableFuture<T> onDatabase(Function<Database, CompletableFuture<T>> handOver) {
        reopening.readLock().lock();
        try {
            return handOver.apply(database);
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
            Path previous = database.file();
            database.close();
            try {
                database = open(next, moved ? previous : null);
            } catch (StoreException e) {
                LOG.error("event=config_refused pid={} db_path={} reason=\"{}\": reopening the previous database",
                        StoreConfig.PID, next.db_path(), e.getMessage());
                database = open(config, null);
                return false;
            }
            LOG.info("event=store_reopened file={} synchronous={}", next.db_path(), next.db_synchronous());
            return true;
        } finally {
            reopening.writeLock().unlock();
        }
    }

    private Database open(StoreConfig settings, Path previous) {
        Database opened = new Database(Path.of(settings.db_path()), settings.db_synchronous(), clock,
                new StoredRows(), previous);
        if (opened.recoveredFromCorruption()) {
            recoveredCorruptFiles.incrementAndGet();
        }
        return opened;
    }
}
