package io.robmqtt.client;

import io.robmqtt.api.MessageListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The messages of one listener, handed to it one at a time and in arrival order on a thread of the connection's
 * pool: a slow listener holds up only its own lane. When the lane closes, the messages it has not started are
 * given back, in order.
 */
final class ListenerLane {
    private final MessageListener listener;
    private final String owner;
    private final Executor pool;
    private final BiConsumer<ListenerLane, Inbound> delivery;
    private final Queue<Inbound> pending = new ArrayDeque<>();
    private boolean running;
    private boolean closed;

    /** @param delivery runs one message of this lane on the pool's thread */
    ListenerLane(MessageListener listener, Executor pool, BiConsumer<ListenerLane, Inbound> delivery) {
        this.listener = listener;
        this.pool = pool;
        this.delivery = delivery;
        Bundle bundle = FrameworkUtil.getBundle(listener.getClass());
        this.owner = (bundle == null ? "(no bundle)" : bundle.getSymbolicName()) + " " + listener.getClass().getName();
    }

    MessageListener listener() {
        return listener;
    }

    /** Who the listener belongs to, for logs: its bundle and class. */
    String owner() {
        return owner;
    }

    /**
     * The listener has no subscription left: it is not called again. Returns the messages it had not started, in
     * arrival order; one it is running now completes.
     */
    synchronized List<Inbound> close() {
        closed = true;
        List<Inbound> left = new ArrayList<>(pending);
        pending.clear();
        return left;
    }

    /** Messages waiting for the listener, not counting one it runs now. */
    synchronized int waiting() {
        return pending.size();
    }

    void submit(Inbound message) {
        boolean start;
        synchronized (this) {
            pending.add(message);
            start = !running && !closed;
            running |= start;
        }
        if (start) {
            pool.execute(this::runPending);
        }
    }

    /** The next message to run, or null when there is none or the lane closed. */
    private synchronized Inbound next() {
        Inbound next = closed ? null : pending.poll();
        if (next == null) {
            running = false;
        }
        return next;
    }

    private void runPending() {
        boolean finished = false;
        try {
            for (Inbound message; (message = next()) != null; ) {
                delivery.accept(this, message);
            }
            finished = true;
        } finally {
            if (!finished) { // an error escaped the delivery and ends this thread: another one carries on
                restart();
            }
        }
    }

    private void restart() {
        boolean start;
        synchronized (this) {
            start = !pending.isEmpty() && !closed;
            running = start;
        }
        if (start) {
            pool.execute(this::runPending);
        }
    }
}
