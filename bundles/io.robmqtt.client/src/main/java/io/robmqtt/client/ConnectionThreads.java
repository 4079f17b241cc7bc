package io.robmqtt.client;

import io.robmqtt.common.LogValue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one connection: daemon threads named for it. A thread that dies of an uncaught error, or a task
 * of its executors that ends in one, is logged at ERROR and recorded in the connection's statistics
 * ({@code threadFailure}), which turns {@code /health/live} to 503: a gateway whose reconnect loop or drain died
 * must be restarted, not left running. A task that ends in an exception is logged at ERROR too.
 */
final class ConnectionThreads {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionThreads.class);

    private final String connection;
    private final ConnectionCounters counters;

    ConnectionThreads(String connection, ConnectionCounters counters) {
        this.connection = connection;
        this.counters = counters;
    }

    /** Daemon threads called {@code name}, whose uncaught errors are reported. */
    ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, e) -> died(t.getName(), e));
            return thread;
        };
    }

    /** One thread running tasks in turn, now or later; a task that fails is reported, not swallowed. */
    ScheduledExecutorService scheduled(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, named(name)) {
            @Override
            protected void afterExecute(Runnable task, Throwable thrown) {
                super.afterExecute(task, thrown);
                if (thrown == null && task instanceof Future<?> future && future.isDone()) {
                    try {
                        future.get();
                    } catch (ExecutionException e) {
                        failed(name, e.getCause());
                    } catch (CancellationException | InterruptedException e) {
                        // cancelled (a reconnect that was no longer wanted), or stopping: nothing failed
                    }
                }
            }
        };
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a pending sweep or retry ends with it
        return executor;
    }

    private void failed(String thread, Throwable cause) {
        if (cause instanceof Error) {
            died(thread, cause);
        } else {
            LOG.error("event=task_failed connection={} thread={} reason={}", LogValue.of(connection),
                    LogValue.of(thread), LogValue.of(cause), cause);
        }
    }

    private void died(String thread, Throwable cause) {
        counters.threadFailure = thread + ": " + cause;
        LOG.error("event=thread_died connection={} thread={} reason={}: robmqtt cannot go on reliably; "
                + "/health/live answers 503 until the gateway is restarted", LogValue.of(connection),
                LogValue.of(thread), LogValue.of(cause), cause);
    }
}
