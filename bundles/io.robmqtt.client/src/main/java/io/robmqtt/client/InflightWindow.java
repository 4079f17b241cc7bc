package io.robmqtt.client;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Bounds the messages sent and not yet acknowledged to {@code max.inflight}. Each broker session gets a new
 * window: permits of the old session (whose messages will be re-sent) do not carry over.
 */
final class InflightWindow {
    private final Semaphore permits;

    InflightWindow(int maxInflight) {
        permits = new Semaphore(maxInflight);
    }

    boolean tryAcquire() {
        return permits.tryAcquire();
    }

    /** Waits up to {@code millis} for a permit; false on time-out or interrupt (the interrupt is kept). */
    boolean tryAcquire(long millis) {
        try {
            return permits.tryAcquire(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for a permit while {@code alive} holds; false when the session ended first. */
    boolean acquire(BooleanSupplier alive) throws InterruptedException {
        while (alive.getAsBoolean()) {
            if (permits.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits for one permit while {@code alive} holds, then takes whatever more is free at once, up to
     * {@code max}; 0 when the session ended first.
     */
    int acquireUpTo(int max, BooleanSupplier alive) throws InterruptedException {
        if (!acquire(alive)) {
            return 0;
        }
        int taken = 1;
        while (taken < max && permits.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    void release() {
        permits.release();
    }

    void release(int count) {
        if (count > 0) {
            permits.release(count);
        }
    }
}
