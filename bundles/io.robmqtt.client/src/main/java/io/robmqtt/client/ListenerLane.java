package io.robmqtt.client;

import io.robmqtt.api.MessageListener;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * The messages of one listener, handed to it one at a time and in arrival order on a thread of the connection's
 * pool: a slow listener holds up only its own lane.
 */
final class ListenerLane {
    private final MessageListener listener;
    private final String owner;
    private final Executor pool;
    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean closed;

    ListenerLane(MessageListener listener, Executor pool) {
        this.listener = listener;
        this.pool = pool;
        Bundle bundle = FrameworkUtil.getBundle(listener.getClass());
        this.owner = (bundle == null ? "(no bundle)" : bundle.getSymbolicName()) + " " + listener.getClass().getName();
    }

    MessageListener listener() {
        return listener;
    }

    /** The listener has no subscription left: it is not called again, not even for messages already here. */
    void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    /** Who the listener belongs to, for logs: its bundle and class. */
    String owner() {
        return owner;
    }

    void submit(Runnable delivery) {
        pending.add(delivery);
        schedule();
    }

    private void schedule() {
        if (!pending.isEmpty() && running.compareAndSet(false, true)) {
            pool.execute(this::runPending);
        }
    }

    private void runPending() {
        try {
            for (Runnable delivery; (delivery = pending.poll()) != null; ) {
                delivery.run();
            }
        } finally {
            running.set(false);
            schedule(); // a message that arrived after our last poll
        }
    }
}
