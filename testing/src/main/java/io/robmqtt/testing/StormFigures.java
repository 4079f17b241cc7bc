package io.robmqtt.testing;

import java.util.Collection;
import java.util.Random;

/**
 * Reconnects per second over a reconnect window, from the broker's return until the last client is back: the
 * busiest second against the mean (the reconnects over the window's length, at least one second).
 */
public record StormFigures(int clients, double windowSeconds, int peakPerSecond, double meanPerSecond) {
    /** @param arrivals each client's first CONNECT after the return, in nanoseconds ({@code System.nanoTime}) */
    public static StormFigures of(Collection<Long> arrivals, long returnNanos) {
        double[] seconds = arrivals.stream().mapToDouble(t -> (t - returnNanos) / 1e9).toArray();
        return ofSeconds(seconds);
    }

    /** As many reconnects, uniformly random over the same window: the floor any jitter can reach. */
    public StormFigures uniformFloor(Random random) {
        double[] seconds = new double[clients];
        for (int i = 0; i < clients; i++) {
            seconds[i] = random.nextDouble() * windowSeconds;
        }
        return ofSeconds(seconds);
    }

    private static StormFigures ofSeconds(double[] seconds) {
        double window = 0;
        for (double s : seconds) {
            window = Math.max(window, s);
        }
        int[] perSecond = new int[(int) Math.floor(window) + 1];
        int peak = 0;
        for (double s : seconds) {
            peak = Math.max(peak, ++perSecond[(int) Math.floor(Math.max(0, s))]);
        }
        return new StormFigures(seconds.length, window, peak, seconds.length / Math.max(1.0, window));
    }

    /** The busiest second against the mean. */
    public double peakOverMean() {
        return peakPerSecond / meanPerSecond;
    }

    @Override
    public String toString() {
        return String.format("%4d back in %6.2f s, peak %4d/s, mean %6.1f/s, peak/mean %5.2f", clients, windowSeconds,
                peakPerSecond, meanPerSecond, peakOverMean());
    }
}
