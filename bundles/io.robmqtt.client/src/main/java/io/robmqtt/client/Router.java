package io.robmqtt.client;

/**
 * Decides for each publish whether the message goes straight to the broker or to the offline queue, so that
 * order within a priority holds across outages: a message goes straight only while the connection is live,
 * which means connected, the queue drained, nobody in the middle of queueing, and a window permit free.
 * Anything else queues it and ends "live" until the drain has emptied the queue again.
 */
final class Router {
    static final long PERMIT_WAIT_MILLIS = 50;

    private PahoSession current;
    private PahoSession live;
    private int enqueuing;
    private long enqueued;

    /**
     * The live session with a window permit taken, or null: then the caller queues and calls
     * {@link #enqueueDone}. When the session is live but its window full, waits up to
     * {@value #PERMIT_WAIT_MILLIS} ms for an acknowledgement to free a permit: a healthy broker frees one in far
     * less, and the message is spared the longer way through the queue. A broker that acknowledges nothing in
     * that time sends the message, and everything after it, to the queue. A publish made from a completion of
     * a {@code Delivery} never waits: it runs on the thread that frees permits.
     */
    PahoSession routeDirect() {
        PahoSession candidate;
        synchronized (this) {
            if (live != null && live.alive() && live.window().tryAcquire()) {
                return live;
            }
            candidate = live != null && live.alive() ? live : null;
            if (candidate == null || PahoSession.onAcknowledgementThread()) {
                enqueueStarted();
                return null;
            }
        }
        boolean permit = candidate.window().tryAcquire(PERMIT_WAIT_MILLIS);
        synchronized (this) {
            if (permit && live == candidate && candidate.alive()) {
                return candidate; // still live: nobody queued meanwhile, so order holds
            }
            if (permit) {
                candidate.window().release();
            }
            enqueueStarted();
            return null;
        }
    }

    /** A message is being queued: nothing goes straight to the broker until the drain has caught up. */
    synchronized void enqueueStarted() {
        live = null;
        enqueuing++;
    }

    synchronized void enqueueDone() {
        enqueuing--;
        enqueued++;
    }

    /** The count of finished enqueues, to tell whether the queue may have changed since. */
    synchronized long enqueuedMark() {
        return enqueued;
    }

    synchronized void sessionStarted(PahoSession session) {
        current = session;
        live = null;
    }

    synchronized void sessionEnded(PahoSession session) {
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
    synchronized boolean goLive(PahoSession session, long mark) {
        if (enqueuing == 0 && enqueued == mark && current == session && session.alive()) {
            live = session;
            return true;
        }
        return false;
    }

    synchronized PahoSession current() {
        return current;
    }

    /** Whether publishes go straight to the broker now. */
    synchronized boolean isLive() {
        return live != null && live.alive();
    }
}
