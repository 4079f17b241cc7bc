package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.QueueStatistics;
import io.robmqtt.api.store.Enqueued;
import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.common.LogValue;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
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

    private final SqliteStore store;
    private final Map<String, LongAdder> evicted = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

    @Activate
    public SqliteOfflineQueue(@Reference SqliteStore store) {
        this.store = store;
    }

    @Override
    public Enqueued enqueue(String connection, OutgoingMessage message) {
        store.limits().checkPayload(message);
        store.checkDiskFloor();
        return store.call(connection, (tx, messages) -> insert(tx, messages, message));
    }

    @Override
    public CompletionStage<Enqueued> enqueueAsync(String connection, OutgoingMessage message) {
        store.limits().checkPayload(message);
        store.checkDiskFloor();
        return store.submit(connection, (tx, messages) -> insert(tx, messages, message));
    }

    @Override
    public List<StoredMessage> peek(String connection, int limit) {
        checkLimit(limit);
        return store.call(connection, (tx, messages) -> messages.peek(tx, limit));
    }

    @Override
    public Moved moveToInflight(String connection, int limit, Duration expiry) {
        checkLimit(limit);
        long expiryMillis = expiryMillis(expiry);
        return store.callBeforeCommit(connection, (tx, messages) -> {
            List<StoredMessage> expired = new ArrayList<>();
            List<StoredMessage> taken = messages.take(tx, limit, expiryMillis, expired);
            return new Moved(taken, expired);
        });
    }

    @Override
    public List<StoredMessage> expire(String connection, Duration expiry, int limit) {
        checkLimit(limit);
        long expiryMillis = expiryMillis(expiry);
        return store.call(connection, (tx, messages) -> messages.expire(tx, expiryMillis, limit));
    }

    private static long expiryMillis(Duration expiry) {
        if (expiry == null || expiry.isNegative()) {
            throw new IllegalArgumentException("expiry is " + expiry + "; it must be 0 (none) or positive");
        }
        return expiry.toMillis();
    }

    @Override
    public void remove(String connection, Collection<Long> sequences) {
        if (sequences.isEmpty()) {
            return;
        }
        store.call(connection, (tx, messages) -> messages.removeQueued(tx, sequences));
    }

    @Override
    public QueueStatistics statistics(String connection) {
        return store.call(connection, (tx, messages) -> {
            QueueCounters queue = messages.counters;
            QueueLimits limits = store.limits();
            double used = 100.0 * Math.max((double) queue.count() / limits.maxQueueSize(),
                    (double) queue.bytes() / limits.maxQueueBytes());
            long oldest = messages.oldestStoredAt(tx);
            OptionalDouble age = oldest < 0 ? OptionalDouble.empty()
                    : OptionalDouble.of(Math.max(0, tx.now() - oldest) / 1000.0);
            DiskSpace disk = store.disk();
            return new QueueSnapshot(queue.count(), queue.bytes(), queue.byPriority(), age,
                    Math.round(used * 100) / 100.0, adder(evicted, connection).sum(), adder(rejected, connection).sum(),
                    disk.fileBytes(), disk.freeBytes(), disk.below(limits.minFreeDiskBytes()), store.threadFailure());
        });
    }

    private static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit is " + limit + "; it must be at least 1");
        }
    }

    private Enqueued insert(Transaction tx, ConnectionMessages messages, OutgoingMessage message)
            throws SQLException {
        String connection = messages.name;
        List<StoredMessage> victims;
        try {
            victims = PriorityEvictionPolicy.victims(message, messages.counters, store.limits(),
                    (priority, after, limit) -> messages.oldestQueued(tx, priority, after, limit));
        } catch (QueueFullException e) {
            adder(rejected, connection).increment();
            LOG.warn("event=message_rejected connection={} topic={} priority={} reason={}", LogValue.of(connection),
                    LogValue.of(message.topic()), message.priority(), LogValue.of(e.getMessage()));
            throw e;
        }
        if (!victims.isEmpty()) {
            messages.removeQueued(tx, victims.stream().map(StoredMessage::sequence).toList());
        }
        StoredMessage stored = messages.enqueue(tx, message, tx.now());
        for (StoredMessage victim : victims) {
            adder(evicted, connection).increment();
            LOG.warn("event=message_evicted connection={} topic={} priority={} sequence={} evicted_for_priority={}",
                    LogValue.of(connection), LogValue.of(victim.message().topic()), victim.message().priority(),
                    victim.sequence(),
                    message.priority());
        }
        return new Enqueued(stored, victims);
    }

    private static LongAdder adder(Map<String, LongAdder> map, String connection) {
        return map.computeIfAbsent(connection, name -> new LongAdder());
    }
}
