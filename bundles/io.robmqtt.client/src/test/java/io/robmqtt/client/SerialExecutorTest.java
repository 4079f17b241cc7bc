package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    private final ConnectionExecutors shared = new ConnectionExecutors();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        shared.shutdown();
    }

    private SerialExecutor serial(String name) {
        return new SerialExecutor(name, shared.workers(), shared.timer(), (n, e) -> failures.add(n + ": " + e));
    }

    @Test
    void tasksRunOneAtATimeInSubmissionOrderUnderTheExecutorsName() throws Exception {
        SerialExecutor executor = serial("robmqtt-a");
        AtomicBoolean running = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        List<Integer> order = new ArrayList<>(); // no lock: serial execution is what keeps it consistent
        List<String> names = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            int n = i;
            executor.execute(() -> {
                if (!running.compareAndSet(false, true)) {
                    overlaps.incrementAndGet();
                }
                order.add(n);
                names.add(Thread.currentThread().getName());
                running.set(false);
            });
        }
        CompletableFuture.runAsync(() -> { }, executor).get(10, TimeUnit.SECONDS);
        assertThat(overlaps).hasValue(0);
        assertThat(order).hasSize(2_000).isSorted();
        assertThat(names).containsOnly("robmqtt-a");
    }

    @Test
    void aLongTaskOfOneConnectionDoesNotHoldUpAnothers() throws Exception {
        SerialExecutor drain = serial("robmqtt-drain-a");
        SerialExecutor lifecycle = serial("robmqtt-b");
        CountDownLatch release = new CountDownLatch(1);
        drain.execute(() -> await(release));
        try {
            CompletableFuture.runAsync(() -> { }, lifecycle).get(10, TimeUnit.SECONDS);
            ScheduledFuture<?> later = lifecycle.schedule(() -> { }, 20, TimeUnit.MILLISECONDS);
            later.get(10, TimeUnit.SECONDS);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aDelayedTaskRunsWhenDueAndACancelledOneNever() throws Exception {
        SerialExecutor executor = serial("robmqtt-a");
        AtomicBoolean cancelledRan = new AtomicBoolean();
        long start = System.nanoTime();
        ScheduledFuture<?> due = executor.schedule(() -> { }, 100, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> cancelled = executor.schedule(() -> cancelledRan.set(true), 50, TimeUnit.MILLISECONDS);
        assertThat(cancelled.cancel(false)).isTrue();
        due.get(10, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        CompletableFuture.runAsync(() -> { }, executor).get(10, TimeUnit.SECONDS);
        assertThat(cancelledRan).isFalse();
        assertThat(cancelled.isCancelled()).isTrue();
    }

    @Test
    void aPeriodicTaskRepeatsUntilShutdownAndShutdownDropsWhatIsDelayed() throws Exception {
        SerialExecutor executor = serial("robmqtt-a");
        CountDownLatch three = new CountDownLatch(3);
        ScheduledFuture<?> sweep = executor.scheduleWithFixedDelay(three::countDown, 0, 10, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> retry = executor.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sweep.isCancelled()).isTrue();
        assertThat(retry.isCancelled()).isTrue();
        assertThat(executor.isTerminated()).isTrue();
    }

    @Test
    void aTaskThatFailsIsReportedAndTheNextOneRuns() throws Exception {
        SerialExecutor executor = serial("robmqtt-a");
        executor.execute(() -> {
            throw new IllegalStateException("broken task");
        });
        executor.schedule(() -> {
            throw new OutOfMemoryError("dying task");
        }, 1, TimeUnit.MILLISECONDS);
        CountDownLatch later = new CountDownLatch(1);
        executor.schedule(later::countDown, 50, TimeUnit.MILLISECONDS);
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).containsExactly("robmqtt-a: java.lang.IllegalStateException: broken task",
                "robmqtt-a: java.lang.OutOfMemoryError: dying task");
    }

    @Test
    void shutdownNowInterruptsTheRunningTaskAndDropsTheQueuedOnes() throws Exception {
        SerialExecutor executor = serial("robmqtt-drain-a");
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        executor.execute(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        executor.execute(() -> { });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(executor.shutdownNow()).hasSize(1);
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theBundlesThreadsEndAtShutdown() throws Exception {
        SerialExecutor executor = serial("robmqtt-a");
        Thread worker = CompletableFuture.supplyAsync(Thread::currentThread, executor).get(10, TimeUnit.SECONDS);
        Thread timer = shared.timer().submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
        executor.schedule(() -> { }, 1, TimeUnit.HOURS);
        assertThat(timer.getName()).isEqualTo("robmqtt-timer");
        shared.shutdown();
        assertThat(worker.getName()).as("a worker between tasks").startsWith("robmqtt-worker-");
        for (Thread thread : List.of(worker, timer)) {
            thread.join(10_000);
            assertThat(thread.isAlive()).as(thread.getName()).isFalse();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
