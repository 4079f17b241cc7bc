package io.robmqtt.client;

import io.robmqtt.common.LogValue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work of one connection, on the threads all connections share ({@link ConnectionExecutors}), under names that
 * say whose it is. A task that ends in an error is logged at ERROR and recorded in the connection's statistics
 * ({@code threadFailure}), which turns {@code /health/live} to 503: a gateway whose reconnect loop or drain died
 * must be restarted, not left running. A task that ends in an exception is logged at ERROR too.
 */
final class ConnectionThreads {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionThreads.class);

    private final String connection;
    private final ConnectionCounters counters;
    private final ConnectionExecutors shared;

    ConnectionThreads(String connection, ConnectionCounters counters, ConnectionExecutors shared) {
        this.connection = connection;
        this.counters = counters;
        this.shared = shared;
    }

    /** Tasks run one at a time, now or later, as on one thread called {@code name}; one that fails is reported. */
    ScheduledExecutorService scheduled(String name) {
        return new SerialExecutor(name, shared.workers(), shared.timer(), this::failed);
    }

    /** Tasks run at once, each on a shared worker called {@code name} while it runs; one that fails is reported. */
    Executor pool(String name) {
        return task -> shared.workers().execute(() -> {
            Thread worker = Thread.currentThread();
            String workerName = worker.getName();
            worker.setName(name);
            try {
                task.run();
            } catch (RuntimeException | Error e) { // the worker goes on with other connections' work
                failed(name, e);
            } finally {
                worker.setName(workerName);
            }
        });
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
