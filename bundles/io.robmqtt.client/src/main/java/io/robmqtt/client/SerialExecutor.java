package io.robmqtt.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One connection's thread of work, without a thread of its own: tasks run one at a time, in submission order, on
 * the shared workers, and a delayed one is handed over by the shared timer when it is due. While a task runs, its
 * worker carries this executor's name, so a thread dump says whose work it is. A task that fails is handed to
 * {@code failed} (never swallowed, never the end of the executor). Shutdown follows
 * {@link java.util.concurrent.ScheduledThreadPoolExecutor} with its delayed tasks cancelled at shutdown:
 * {@link #shutdown()} runs what was submitted and drops what is delayed; {@link #shutdownNow()} drops both and
 * interrupts the running task.
 */
final class SerialExecutor extends AbstractExecutorService implements ScheduledExecutorService {
    private final String name;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final BiConsumer<String, Throwable> failed;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(); // guarded by this
    private final Set<Later<?>> delayed = ConcurrentHashMap.newKeySet();
    private Thread runner; // guarded by this: the worker running a task of ours, or null
    private boolean draining; // guarded by this: a worker is taking our tasks
    private boolean shutdown; // guarded by this

    /**
     * @param workers the shared threads the tasks run on; must not queue work behind a long task of another
     *     executor (a cached pool)
     * @param timer the shared timer that hands delayed tasks over when they are due; it runs none itself
     * @param failed told of each task that ended in an exception or an error, with this executor's name
     */
    SerialExecutor(String name, Executor workers, ScheduledExecutorService timer,
            BiConsumer<String, Throwable> failed) {
        this.name = name;
        this.workers = workers;
        this.timer = timer;
        this.failed = failed;
    }

    @Override
    public void execute(Runnable task) {
        enqueue(task instanceof Future<?> ? task : new FutureTask<>(task, null));
    }

    private void enqueue(Runnable task) {
        synchronized (this) {
            if (shutdown) {
                throw new RejectedExecutionException(name + " is shut down");
            }
            tasks.add(task);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            workers.execute(this::drain);
        } catch (RejectedExecutionException e) { // the shared workers are gone: this executor is too
            synchronized (this) {
                tasks.remove(task);
                draining = false;
                notifyAll();
            }
            throw e;
        }
    }

    private void drain() {
        Thread worker = Thread.currentThread();
        String workerName = worker.getName();
        worker.setName(name);
        try {
            for (Runnable task; (task = next(worker)) != null; ) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) { // a task that is no FutureTask: reported, and the next one runs
                    failed.accept(name, e);
                }
                synchronized (this) {
                    runner = null;
                }
                Thread.interrupted(); // an interrupt of shutdownNow() was for that task, not for the next one
                report(task);
            }
        } finally {
            worker.setName(workerName);
        }
    }

    private synchronized Runnable next(Thread worker) {
        Runnable task = tasks.poll();
        runner = task == null ? null : worker;
        if (task == null) {
            draining = false;
            notifyAll();
        }
        return task;
    }

    private void report(Runnable task) {
        if (task instanceof Future<?> future && future.isDone() && !future.isCancelled()) {
            try {
                future.get();
            } catch (ExecutionException e) {
                failed.accept(name, e.getCause());
            } catch (CancellationException | InterruptedException e) {
                // cancelled (a reconnect that was no longer wanted): nothing failed
            }
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return later(Executors.callable(command), delay, 0, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return later(callable, delay, 0, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay " + delay + " must be positive");
        }
        return later(Executors.callable(command), initialDelay, unit.toNanos(delay), unit);
    }

    /** As {@link #scheduleWithFixedDelay}: a serial executor has no use for a fixed rate. */
    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return scheduleWithFixedDelay(command, initialDelay, period, unit);
    }

    private <V> ScheduledFuture<V> later(Callable<V> callable, long delay, long periodNanos, TimeUnit unit) {
        synchronized (this) {
            if (shutdown) {
                throw new RejectedExecutionException(name + " is shut down");
            }
        }
        Later<V> task = new Later<>(callable, periodNanos);
        delayed.add(task);
        task.arm(unit.toNanos(delay));
        return task;
    }

    @Override
    public void shutdown() {
        synchronized (this) {
            shutdown = true;
            notifyAll();
        }
        delayed.forEach(task -> task.cancel(false));
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        synchronized (this) {
            List<Runnable> dropped = new ArrayList<>(tasks);
            tasks.clear();
            if (runner != null) {
                runner.interrupt();
            }
            return dropped;
        }
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && !draining;
    }

    @Override
    public synchronized boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!isTerminated()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** A task the timer hands over to this executor when it is due; a periodic one is armed again after each run. */
    private final class Later<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private final long periodNanos;
        private volatile ScheduledFuture<?> due;

        Later(Callable<V> callable, long periodNanos) {
            super(callable);
            this.periodNanos = periodNanos;
        }

        void arm(long delayNanos) {
            try {
                due = timer.schedule(this::handOver, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) { // the shared timer is gone, as at shutdown
                cancel(false);
                throw e;
            }
        }

        private void handOver() {
            try {
                enqueue(this);
            } catch (RejectedExecutionException e) {
                cancel(false); // shut down meanwhile: a delayed task is dropped, as at shutdown
            }
        }

        @Override
        public void run() {
            if (periodNanos == 0) {
                super.run();
            } else if (runAndReset() && !isShutdown()) {
                arm(periodNanos);
                return;
            }
            delayed.remove(this);
        }

        @Override
        public boolean cancel(boolean interrupt) {
            ScheduledFuture<?> handOver = due;
            if (handOver != null) {
                handOver.cancel(false);
            }
            delayed.remove(this);
            return super.cancel(interrupt);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            ScheduledFuture<?> handOver = due;
            return handOver == null ? 0 : handOver.getDelay(unit);
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }
}
