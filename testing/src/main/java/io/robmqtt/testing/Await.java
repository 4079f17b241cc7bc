package io.robmqtt.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition, checking it every few milliseconds, and fails with its description at the deadline. */
public final class Await {
    private Await() {}

    /** Checks that {@code condition} holds throughout {@code period}: for things that must not happen. */
    public static void holds(String description, Duration period, BooleanSupplier condition) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() < end) {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("it stopped being true that " + description);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    public static void until(String description, Duration timeout, BooleanSupplier condition) {
        until(description, timeout, condition, () -> "");
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}; {@code state} says what was seen instead. */
    public static void until(String description, Duration timeout, BooleanSupplier condition,
            Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String seen = state.get();
                throw new AssertionError("timed out after " + timeout + " waiting until " + description
                        + (seen.isEmpty() ? "" : " (" + seen + ")"));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
