package io.robmqtt.client;

import io.robmqtt.api.store.InflightStore;
import io.robmqtt.common.LogValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the inflight records of acknowledged messages, in batches, off Paho's thread. A batch is written when
 * {@value #BATCH} acknowledgements are pending or {@value #DELAY_MILLIS} ms after the first, so that removals
 * cost few fsyncs. A removal need not be durable at once: if the process dies before it is, the message is sent
 * again after the restart (a duplicate, never a loss); at most one batch's worth.
 */
final class AckBatcher {
    static final int BATCH = 1_000;
    static final long DELAY_MILLIS = 20;
    private static final Logger LOG = LoggerFactory.getLogger(AckBatcher.class);

    private final InflightStore inflight;
    private final String connection;
    private final ScheduledExecutorService timer;
    private final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    AckBatcher(InflightStore inflight, String connection, ScheduledExecutorService timer) {
        this.inflight = inflight;
        this.connection = connection;
        this.timer = timer;
    }

    void acknowledged(long sequence) {
        acknowledged.add(sequence);
        if (pending.incrementAndGet() >= BATCH) {
            flush();
        } else if (scheduled.compareAndSet(false, true)) {
            timer.schedule(this::flush, DELAY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes what is pending now; also called on shutdown. */
    synchronized void flush() { // one at a time: a flush returns after what it took was handed over
        scheduled.set(false);
        List<Long> batch = new ArrayList<>();
        for (Long sequence; (sequence = acknowledged.poll()) != null; ) {
            batch.add(sequence);
        }
        if (batch.isEmpty()) {
            return;
        }
        pending.addAndGet(-batch.size());
        inflight.removeAsync(connection, batch).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.error("event=inflight_remove_failed connection={} messages={} reason={}: they will be sent "
                        + "again after a restart (a duplicate, not a loss)", LogValue.of(connection), batch.size(),
                        LogValue.of(failure.toString()));
            }
        });
    }
}
