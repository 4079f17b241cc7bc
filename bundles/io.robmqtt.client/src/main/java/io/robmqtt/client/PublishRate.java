package io.robmqtt.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A connection's publish rate limit ({@code max.publish.rate} messages per second, bursts of up to
 * {@code max.publish.burst}) as a token bucket: every message the connection sends, live, drained or re-sent,
 * takes a token; tokens come back at the rate, up to the burst. Unlimited at rate 0. A new configuration applies
 * at once. The clock is given, so that a test can drive the bucket.
 */
final class PublishRate {
    /** The longest a waiting sender sleeps before it looks again: a reconfiguration or a dead session shows soon. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final LongSupplier nanoTime;
    private final LongAdder throttledNanos = new LongAdder();
    /** Tokens per nanosecond; 0 for unlimited. */
    private double perNano;
    private double burst;
    private double tokens;
    private long refilledAt;

    PublishRate(LongSupplier nanoTime, double perSecond, int burst) {
        this.nanoTime = nanoTime;
        this.refilledAt = nanoTime.getAsLong();
        configure(perSecond, burst);
        this.tokens = this.burst;
    }

    /** @param burst the most tokens that gather; 0 for one second's worth of the rate (at least 1) */
    synchronized void configure(double perSecond, int burst) {
        refill();
        this.perNano = perSecond / 1e9;
        this.burst = burst > 0 ? burst : Math.max(1, perSecond);
        this.tokens = Math.min(tokens, this.burst);
    }

    synchronized boolean unlimited() {
        return perNano == 0;
    }

    /** Takes a token if one is there; never waits (the live path queues the message instead). */
    boolean tryTake() {
        return take(1) == 1;
    }

    /** Takes up to {@code max} tokens that are there now; returns how many. */
    synchronized int take(int max) {
        if (perNano == 0) {
            return max;
        }
        refill();
        int taken = (int) Math.min(max, Math.floor(tokens));
        tokens -= taken;
        return taken;
    }

    /** Gives back tokens taken and not used. */
    synchronized void giveBack(int count) {
        if (perNano != 0 && count > 0) {
            tokens = Math.min(burst, tokens + count);
        }
    }

    /** Nanoseconds until a token is there; 0 when one is. */
    synchronized long nanosUntilToken() {
        if (perNano == 0) {
            return 0;
        }
        refill();
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
    }

    /**
     * Waits for a token while {@code alive} holds, then takes whatever more is there, up to {@code max}; 0 when the
     * session ended first. The time waited counts as throttled.
     */
    int takeUpTo(int max, BooleanSupplier alive) {
        long waitedFrom = 0;
        try {
            while (alive.getAsBoolean()) {
                int taken = take(max);
                if (taken > 0) {
                    return taken;
                }
                if (waitedFrom == 0) {
                    waitedFrom = nanoTime.getAsLong();
                }
                LockSupport.parkNanos(this, Math.min(Math.max(nanosUntilToken(), 1), MAX_PARK_NANOS));
                if (Thread.currentThread().isInterrupted()) {
                    return 0;
                }
            }
            return 0;
        } finally {
            if (waitedFrom != 0) {
                throttledNanos.add(nanoTime.getAsLong() - waitedFrom);
            }
        }
    }

    /** How long senders waited for tokens, in seconds, since the connection started. */
    double throttledSeconds() {
        return throttledNanos.sum() / 1e9;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        if (perNano != 0) {
            tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
        }
        refilledAt = now;
    }
}
