package io.robmqtt.client;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Decides for each publish whether the message goes straight to the broker or to the offline queue, so that
 * order within a priority holds across outages: a message goes straight only while the connection is live,
 * which means connected, the queue drained, nobody in the middle of queueing, and a window permit free.
 * Anything else queues it and ends "live" until the drain has emptied the queue again.
 *
 * @param <S> the broker session messages go to
 */
final class Router<S extends Router.Target> {
    static final long PERMIT_WAIT_MILLIS = 50;

    /** What the router needs of a broker session. */
    interface Target {
        boolean alive();

        InflightWindow window();
    }

    /**
     * The way one publish takes. Closing it says the publish is done with it: a queued publish holds the
     * connection off "live" from the moment it is routed until it is closed, whether its enqueue succeeded or not.
     */
    sealed interface Route<S> extends AutoCloseable permits Direct, Queued {
        @Override
        void close();
    }

    /** Straight to the broker, on this session, with a window permit taken for the message. */
    record Direct<S>(S session) implements Route<S> {
        @Override
        public void close() {
            // nothing to end: the message goes out on the live session
        }
    }

    /** To the offline queue; nothing goes straight to the broker until the drain has caught up with it. */
    static final class Queued<S> implements Route<S> {
        private final Router<?> router;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Queued(Router<?> router) {
            this.router = router;
        }

        /** The enqueue finished (or failed): the drain may go live once it has emptied the queue. */
        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                router.enqueueDone();
            }
        }
    }

    private final BooleanSupplier mustNotWait;
    private final BooleanSupplier mayPublish;
    private S current;
    private S live;
    private int enqueuing;
    private long enqueued;

    /**
     * @param mustNotWait whether the calling thread must never wait for a window permit (the thread that
     *     delivers acknowledgements, and the {@code Delivery} completions that run on it: only it frees permits)
     * @param mayPublish takes a token of the publish rate if one is there: without one, a publish is queued
     */
    Router(BooleanSupplier mustNotWait, BooleanSupplier mayPublish) {
        this.mustNotWait = mustNotWait;
        this.mayPublish = mayPublish;
    }

    /**
     * Routes a publish: {@link Direct} to the live session with a window permit taken, or else {@link Queued}.
     * When the session is live but its window full, waits up to {@value #PERMIT_WAIT_MILLIS} ms for an
     * acknowledgement to free a permit: a healthy broker frees one in far less, and the message is spared the
     * longer way through the queue. A broker that acknowledges nothing in that time sends the message, and
     * everything after it, to the queue.
     */
    Route<S> route() {
        S candidate;
        synchronized (this) {
            if (isLive() && live.window().tryAcquire()) {
                return direct(live);
            }
            candidate = isLive() ? live : null;
            if (candidate == null || mustNotWait.getAsBoolean()) {
                return queue();
            }
        }
        boolean permit = candidate.window().tryAcquire(PERMIT_WAIT_MILLIS);
        synchronized (this) {
            if (permit && live == candidate && candidate.alive()) {
                return direct(candidate); // still live: nobody queued meanwhile, so order holds
            }
            if (permit) {
                candidate.window().release();
            }
            return queue();
        }
    }

    /**
     * With a window permit taken: straight to the broker if the publish rate allows it now, else to the queue,
     * where the message waits durably for the drain, which keeps to the rate.
     */
    private synchronized Route<S> direct(S session) {
        if (mayPublish.getAsBoolean()) {
            return new Direct<>(session);
        }
        session.window().release();
        return queue();
    }

    /** Routes a publish to the queue, whatever the connection's state (every asynchronous publish goes there). */
    synchronized Queued<S> queue() {
        live = null;
        enqueuing++;
        return new Queued<>(this);
    }

    private synchronized void enqueueDone() {
        enqueuing--;
        enqueued++;
    }

    /** The count of finished enqueues, to tell whether the queue may have changed since. */
    synchronized long enqueuedMark() {
        return enqueued;
    }

    synchronized void sessionStarted(S session) {
        current = session;
        live = null;
    }

    synchronized void sessionEnded(S session) {
        if (live == session) {
            live = null;
        }
        if (current == session) {
            current = null;
        }
    }

    /**
     * Goes live if the queue was empty at {@code mark} and nobody queued since; false if the drain must look
     * again.
     */
    synchronized boolean goLive(S session, long mark) {
        if (enqueuing == 0 && enqueued == mark && current == session && session.alive()) {
            live = session;
            return true;
        }
        return false;
    }

    synchronized S current() {
        return current;
    }

    /** Whether publishes go straight to the broker now. */
    synchronized boolean isLive() {
        return live != null && live.alive();
    }
}
