package io.robmqtt.client;

import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.common.LogValue;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages that waited past their expiry (their own, else {@code message.expiry.seconds}). The store removes
 * them when the drain reaches them, and in a sweep every {@value #SWEEP_SECONDS} s so that they do not hold
 * queue capacity; here their handles complete with {@link io.robmqtt.api.MessageExpiredException}, and they are
 * counted and logged, one line per sweep or drain batch.
 */
final class QueueExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(QueueExpiry.class);
    static final long SWEEP_SECONDS = 10;
    /** Messages removed per store call: a sweep of a large expired backlog is made of several. */
    private static final int SWEEP_LIMIT = 10_000;

    private final String name;
    private final OfflineQueue queue;
    private final DeliveryHandles handles;
    private final ConnectionCounters counters;
    private final Supplier<Duration> expiry;

    /** @param expiry the connection's {@code message.expiry.seconds}, read at each use */
    QueueExpiry(String name, OfflineQueue queue, DeliveryHandles handles, ConnectionCounters counters,
            Supplier<Duration> expiry) {
        this.name = name;
        this.queue = queue;
        this.handles = handles;
        this.counters = counters;
        this.expiry = expiry;
    }

    /** The expiry of messages that have none of their own; zero for none. */
    Duration connectionExpiry() {
        return expiry.get();
    }

    /** Removes what has expired from the queue. Never throws: a failed sweep is logged and the next one tries. */
    void sweep() {
        try {
            List<StoredMessage> expired;
            do {
                expired = queue.expire(name, expiry.get(), SWEEP_LIMIT);
                report(expired, "sweep");
            } while (expired.size() == SWEEP_LIMIT);
        } catch (RuntimeException e) {
            LOG.warn("event=expiry_sweep_failed connection={} reason={}: the next sweep tries again in {} s",
                    LogValue.of(name), LogValue.of(e.getMessage()), SWEEP_SECONDS);
        }
    }

    /** Messages the store removed as expired: their handles fail, and they are counted and logged. */
    void report(List<StoredMessage> expired, String where) {
        if (expired.isEmpty()) {
            return;
        }
        long oldest = Long.MAX_VALUE;
        for (StoredMessage m : expired) {
            handles.expired(m, expiry.get());
            oldest = Math.min(oldest, m.storedAtMillis());
        }
        counters.expired.add(expired.size());
        LOG.warn("event=message_expired connection={} messages={} at={} oldest_stored_at={}: removed unsent, "
                + "older than their expiry", LogValue.of(name), expired.size(), LogValue.of(where),
                java.time.Instant.ofEpochMilli(oldest));
    }
}
