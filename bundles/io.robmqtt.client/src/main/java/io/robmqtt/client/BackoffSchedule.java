package io.robmqtt.client;

import java.util.function.DoubleSupplier;

/**
 * Reconnect waits: exponential from {@code min.backoff} to {@code max.backoff}, with "equal jitter". The n-th
 * wait of a run of failures is drawn uniformly from [e/2, e], with e = min(max, min * 2^n). So waits never
 * shrink during a run, never exceed the cap, and a fleet of gateways that lost the same broker spreads out
 * instead of coming back in lockstep. A broker that refused the connection is retried after max.backoff,
 * jittered by up to a tenth below it.
 */
final class BackoffSchedule {
    private final double min;
    private final double max;
    private final DoubleSupplier random;
    private int failures;
    private double current;

    /**
     * @param random uniform in [0, 1)
     */
    BackoffSchedule(double minSeconds, double maxSeconds, DoubleSupplier random) {
        this.min = minSeconds;
        this.max = maxSeconds;
        this.random = random;
        this.current = minSeconds;
    }

    /** The wait before the next attempt after a failure to reach the broker. */
    synchronized double afterFailure() {
        double ceiling = Math.min(max, min * Math.pow(2, Math.min(failures, 62)));
        failures++;
        current = ceiling / 2 + random.getAsDouble() * ceiling / 2;
        return current;
    }

    /** The wait before the next attempt after the broker refused the connection (CONNACK refusal). */
    synchronized double afterRefusal() {
        failures++;
        current = max * (0.9 + 0.1 * random.getAsDouble());
        return current;
    }

    /** Starts over after a successful connection. */
    synchronized void reset() {
        failures = 0;
        current = min;
    }

    /** The wait last chosen, or min.backoff when connected: the statistics' current_backoff_seconds. */
    synchronized double current() {
        return current;
    }
}
