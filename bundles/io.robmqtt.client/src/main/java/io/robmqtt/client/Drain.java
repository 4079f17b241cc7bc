package io.robmqtt.client;

import io.robmqtt.api.store.InflightStore;
import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.common.LogValue;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a connect: sends again every inflight message not yet sent in this session, then drains the offline
 * queue in priority order at the broker's pace (up to max.inflight unacknowledged), then hands over to the
 * live path. Messages past their expiry are removed instead of sent. Runs on its own thread; a kick while it runs
 * makes it look again.
 */
final class Drain {
    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);
    private static final int BATCH = 100;

    private final String name;
    private final OfflineQueue queue;
    private final InflightStore inflight;
    private final Router<PahoSession> router;
    private final AckBatcher acks;
    private final ConnectionCounters counters;
    private final PublishRate rate;
    private final QueueExpiry expiry;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean resend = new AtomicBoolean();
    private volatile PahoSession session;

    /**
     * @param acks flushed before a re-send, so that it skips what the broker acknowledged just before the link
     *     failed
     * @param rate every message the drain sends takes a token of it
     * @param expiry what the drain finds past its expiry is removed, not sent, and reported there
     * @param thread the drain's own thread
     */
    Drain(String name, OfflineQueue queue, InflightStore inflight, Router<PahoSession> router, AckBatcher acks,
            ConnectionCounters counters, PublishRate rate, QueueExpiry expiry, ScheduledExecutorService thread) {
        this.name = name;
        this.queue = queue;
        this.inflight = inflight;
        this.router = router;
        this.acks = acks;
        this.counters = counters;
        this.rate = rate;
        this.expiry = expiry;
        this.thread = thread;
    }

    /** A new session: re-send what is inflight, then drain. */
    void start(PahoSession s) {
        session = s;
        router.sessionStarted(s);
        resend.set(true);
        kick();
    }

    /** Something may be waiting in the queue. */
    void kick() {
        PahoSession s = session;
        if (s != null && s.alive() && scheduled.compareAndSet(false, true)) {
            thread.execute(this::run);
        }
    }

    /** An inflight record was not sent (its session failed under it): re-send in the current session. */
    void resendNeeded() {
        resend.set(true);
        kick();
    }

    void shutdown() {
        session = null;
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("event=drain_stop_slow: the drain thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        scheduled.set(false);
        PahoSession s = session;
        if (s == null || !s.alive()) {
            return;
        }
        try {
            if (resend.getAndSet(false)) {
                resendInflight(s);
            }
            drainQueue(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("event=drain_failed connection={} reason={}: retrying in 1 s", LogValue.of(name),
                    LogValue.of(e.toString()), e);
            resend.set(true);
            thread.schedule(this::kick, 1, TimeUnit.SECONDS);
        }
    }

    private void resendInflight(PahoSession s) throws InterruptedException {
        acks.flush(); // acknowledgements batched for up to 20 ms must not be re-sent
        List<StoredMessage> unacknowledged = inflight.list(name);
        int resent = 0;
        for (StoredMessage message : unacknowledged) {
            if (s.wasSent(message.sequence())) {
                continue;
            }
            if (!s.window().acquire(s::alive)) {
                return;
            }
            if (rate.takeUpTo(1, s::alive) == 0) {
                s.window().release();
                return;
            }
            if (!sendOrFlag(s, message)) {
                return;
            }
            resent++;
        }
        counters.resent.add(resent);
        if (resent > 0) {
            LOG.info("event=inflight_resent connection={} messages={}", LogValue.of(name), resent);
        }
    }

    /**
     * Moves messages from the queue to inflight only as the window has room for them, then sends them: what has
     * no slot yet stays in the queue, where it counts against max.queue.size, can be evicted, and lets a more
     * important message that arrives meanwhile go first. The next batch is moved while the current one is in
     * flight.
     */
    private void drainQueue(PahoSession s) throws InterruptedException {
        long drained = 0;
        while (s.alive()) {
            long mark = router.enqueuedMark();
            int slots = s.window().acquireUpTo(BATCH, s::alive);
            if (slots == 0) {
                return; // the session ended
            }
            int allowed = rate.takeUpTo(slots, s::alive); // waits here while the publish rate holds us back
            s.window().release(slots - allowed);
            if (allowed == 0) {
                return; // the session ended while held back
            }
            List<StoredMessage> batch;
            try {
                OfflineQueue.Moved moved = queue.moveToInflight(name, allowed, expiry.connectionExpiry());
                batch = moved.inflight();
                expiry.report(moved.expired(), "drain");
            } catch (RuntimeException e) {
                s.window().release(allowed); // nothing was moved: a retry must find its permits and tokens
                rate.giveBack(allowed);
                throw e;
            }
            s.window().release(allowed - batch.size());
            rate.giveBack(allowed - batch.size());
            if (batch.isEmpty()) {
                if (router.goLive(s, mark)) {
                    if (drained > 0) {
                        LOG.info("event=queue_drained connection={} messages={}", LogValue.of(name), drained);
                    }
                    return;
                }
                continue;
            }
            for (int i = 0; i < batch.size(); i++) {
                if (!sendOrFlag(s, batch.get(i))) {
                    s.window().release(batch.size() - i - 1); // the failed send gave its own back
                    return; // what was moved is inflight now: the next session re-sends it
                }
            }
            drained += batch.size();
        }
    }

    private boolean sendOrFlag(PahoSession s, StoredMessage message) {
        if (s.send(message)) {
            return true;
        }
        resend.set(true);
        return false;
    }
}
