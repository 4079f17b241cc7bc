package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.QueueStatistics;
import io.robmqtt.api.store.Enqueued;
import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.api.store.StoredMessage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** OfflineQueueService: the {@link OfflineQueue} on the SQLite store. */
@Component(name = "io.robmqtt.store.OfflineQueueService", configurationPolicy = ConfigurationPolicy.IGNORE)
public class SqliteOfflineQueue implements OfflineQueue {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteOfflineQueue.class);
    private static final MessageTable TABLE = new MessageTable(Schema.QUEUE);

    private final SqliteStore store;
    private final Clock clock;
    /** Loaded lazily on the database thread; cleared when the rows may have changed behind it. */
    private final Map<String, QueueCounters> counters = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> evicted = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

    @Activate
    public SqliteOfflineQueue(@Reference SqliteStore store) {
        this(store, Clock.systemUTC());
    }

    SqliteOfflineQueue(SqliteStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        store.onReset(counters::clear);
    }

    @Override
    public Enqueued enqueue(String connection, OutgoingMessage message) {
        store.limits().checkPayload(message);
        return store.call(tx -> insert(tx, connection, message));
    }

    @Override
    public CompletionStage<Enqueued> enqueueAsync(String connection, OutgoingMessage message) {
        store.limits().checkPayload(message);
        return store.submit(tx -> insert(tx, connection, message));
    }

    @Override
    public List<StoredMessage> peek(String connection, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit is " + limit + "; it must be at least 1");
        }
        return store.call(tx -> TABLE.select(tx, connection, "", "priority DESC, seq LIMIT ?", limit));
    }

    @Override
    public List<StoredMessage> moveToInflight(String connection, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit is " + limit + "; it must be at least 1");
        }
        return store.callBeforeCommit(tx -> {
            List<StoredMessage> next = TABLE.select(tx, connection, "", "priority DESC, seq LIMIT ?", limit);
            if (next.isEmpty()) {
                return next;
            }
            QueueCounters queue = counters(tx, connection);
            List<Long> sequences = next.stream().map(StoredMessage::sequence).toList();
            TABLE.copyTo(tx, Schema.INFLIGHT, connection, sequences);
            TABLE.delete(tx, connection, sequences);
            for (StoredMessage m : next) {
                queue.remove(m.message().priority(), m.message().sizeBytes());
            }
            return next;
        });
    }

    @Override
    public void remove(String connection, Collection<Long> sequences) {
        if (sequences.isEmpty()) {
            return;
        }
        store.call(tx -> {
            QueueCounters queue = counters(tx, connection);
            for (long[] row : TABLE.deleteReturning(tx, connection, sequences)) {
                queue.remove((int) row[0], row[1]);
            }
            return null;
        });
    }

    @Override
    public QueueStatistics statistics(String connection) {
        return store.call(tx -> {
            QueueCounters queue = counters(tx, connection);
            QueueLimits limits = store.limits();
            double used = 100.0 * Math.max((double) queue.count() / limits.maxQueueSize(),
                    (double) queue.bytes() / limits.maxQueueBytes());
            return new QueueSnapshot(queue.count(), queue.bytes(), queue.byPriority(),
                    oldestAgeSeconds(tx, connection), Math.round(used * 100) / 100.0,
                    adder(evicted, connection).sum(), adder(rejected, connection).sum());
        });
    }

    private Enqueued insert(Database.Transaction tx, String connection, OutgoingMessage message)
            throws SQLException {
        QueueCounters queue = counters(tx, connection);
        List<StoredMessage> victims;
        try {
            victims = PriorityEvictionPolicy.victims(message, queue, store.limits(), (priority, after, limit) ->
                    TABLE.select(tx, connection, "priority = ? AND seq > ?", "seq LIMIT ?", priority, after, limit));
        } catch (QueueFullException e) {
            adder(rejected, connection).increment();
            LOG.warn("event=message_rejected connection={} topic={} priority={} reason=\"{}\"", connection,
                    message.topic(), message.priority(), e.getMessage());
            throw e;
        }
        if (!victims.isEmpty()) {
            TABLE.delete(tx, connection, victims.stream().map(StoredMessage::sequence).toList());
        }
        StoredMessage stored = new StoredMessage(tx.nextSequence(), message, clock.millis());
        TABLE.insert(tx, connection, stored);
        for (StoredMessage victim : victims) {
            queue.remove(victim.message().priority(), victim.message().sizeBytes());
            adder(evicted, connection).increment();
            LOG.warn("event=message_evicted connection={} topic={} priority={} sequence={} evicted_for_priority={}",
                    connection, victim.message().topic(), victim.message().priority(), victim.sequence(),
                    message.priority());
        }
        queue.add(message.priority(), message.sizeBytes());
        return new Enqueued(stored, victims);
    }

    private QueueCounters counters(Database.Transaction tx, String connection) throws SQLException {
        QueueCounters queue = counters.get(connection);
        if (queue == null) {
            queue = load(tx, connection);
            counters.put(connection, queue);
        }
        return queue;
    }

    private static QueueCounters load(Database.Transaction tx, String connection) throws SQLException {
        QueueCounters queue = new QueueCounters();
        PreparedStatement select = tx.prepared("SELECT priority, size FROM " + Schema.QUEUE + " WHERE connection = ?");
        select.setString(1, connection);
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                queue.add(rows.getInt(1), rows.getLong(2));
            }
        }
        return queue;
    }

    private OptionalDouble oldestAgeSeconds(Database.Transaction tx, String connection) throws SQLException {
        PreparedStatement select = tx.prepared("SELECT min(stored_at) FROM " + Schema.QUEUE + " WHERE connection = ?");
        select.setString(1, connection);
        try (ResultSet rs = select.executeQuery()) {
            rs.next();
            long oldest = rs.getLong(1);
            return rs.wasNull() ? OptionalDouble.empty()
                    : OptionalDouble.of(Math.max(0, clock.millis() - oldest) / 1000.0);
        }
    }

    private static LongAdder adder(Map<String, LongAdder> map, String connection) {
        return map.computeIfAbsent(connection, name -> new LongAdder());
    }
}
