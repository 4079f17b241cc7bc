package io.robmqtt.client;

import java.util.function.DoubleSupplier;

/**
 * Reconnect waits: exponential from {@code min.backoff} to {@code max.backoff}, jittered once per outage. The n-th
 * wait of a run of failures is k × e, with e = min(max, min × 2^n) and k drawn once, at the run's first failure,
 * log-uniformly from [1/2, 1). So waits stay in [e/2, e], never shrink during a run and never exceed the cap.
 *
 * <p>Why the jitter is drawn once per run, not once per wait ("equal jitter"): a client's attempts are then one
 * sequence scaled by its own k, so for whatever moment the broker comes back, a fleet's first attempts after it
 * spread over the whole window, not bunched at its start (log-uniformly over [T, 2T) while the
 * waits still double; in the capped phase each client repeats its own period k × max, and the periods differ).
 * Independent draws for every wait bunch up instead: their sums concentrate around each attempt's mean time, and
 * the clients that just missed the broker's return wait a whole doubled step more, so most of a fleet comes back
 * in a few seconds of a much longer window (up to 4.7 × the mean rate in the busiest second, against 2.55 × at
 * most with one draw per run; see ReconnectStormTest and docs/design.md#reconnect-model).
 *
 * <p>A broker that refused the connection is retried after max.backoff, jittered by up to a tenth below it.
 */
final class BackoffSchedule {
    private final double min;
    private final double max;
    private final DoubleSupplier random;
    private int failures;
    private double current;
    /** This run's jitter k, in [1/2, 1); NaN until the run's first failure. */
    private double factor = Double.NaN;

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
        if (Double.isNaN(factor)) {
            factor = Math.pow(2, random.getAsDouble() - 1);
        }
        double ceiling = Math.min(max, min * Math.pow(2, Math.min(failures, 62)));
        failures++;
        current = factor * ceiling;
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
        factor = Double.NaN;
        current = min;
    }

    /** The wait last chosen, or min.backoff when connected: the statistics' current_backoff_seconds. */
    synchronized double current() {
        return current;
    }
}
