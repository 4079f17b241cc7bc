package io.robmqtt.client;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads every connection of this bundle shares, so that an idle connection costs no thread of robmqtt's own,
 * only Paho's three blocking loops (receive, send, callback):
 *
 * <ul>
 *   <li><b>workers</b> ({@code robmqtt-worker-N}): a cached pool that runs each connection's lifecycle, drain and
 *       listener work. Each connection's lifecycle and drain stay serial ({@link SerialExecutor}), and a pool that
 *       starts a thread whenever none is free means a long drain of one connection never holds up another's
 *       reconnect. A worker carries the name of the work it runs ({@code robmqtt-NAME}, {@code robmqtt-drain-NAME},
 *       {@code robmqtt-listener-NAME}); one idle for {@value #IDLE_SECONDS} s ends.</li>
 *   <li><b>timer</b> ({@code robmqtt-timer}): hands delayed work (reconnect waits, sweeps, acknowledgement batches,
 *       Paho's keepalive checks) over to the workers when it is due; it runs none itself. A keepalive check that
 *       finds a silent link shuts its client's connection down, which can block on a dead socket: on a worker of
 *       its own connection's, it holds up no other connection's keepalive.</li>
 * </ul>
 *
 * The connections reference this component, so Declarative Services deactivates them before it: when the bundle
 * stops, every connection has released its work before these threads end, and none outlives the bundle.
 */
@Component(service = ConnectionExecutors.class)
public class ConnectionExecutors {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionExecutors.class);
    static final long IDLE_SECONDS = 30;

    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timer;

    public ConnectionExecutors() {
        workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemons("robmqtt-worker-"));
        timer = scheduler("robmqtt-timer");
    }

    private static ScheduledThreadPoolExecutor scheduler(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemons(name));
        executor.setRemoveOnCancelPolicy(true); // a reconnect or a keepalive check cancelled is forgotten at once
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            thread.setDaemon(true);
            return thread;
        };
    }

    ExecutorService workers() {
        return workers;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    /** Ends every thread: called once every connection has shut down (or by the connection that owns this). */
    @Deactivate
    void shutdown() {
        timer.shutdownNow();
        workers.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("event=workers_stop_slow: robmqtt's shared workers did not end within 10 s; "
                        + "interrupting them");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
