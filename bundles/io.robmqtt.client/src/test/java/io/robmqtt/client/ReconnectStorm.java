package io.robmqtt.client;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.DoubleSupplier;

/**
 * A fleet that lost one broker at t = 0, simulated: every client retries until its first attempt at or after the
 * moment the broker is back, which is when that client reconnects. Times are in seconds from the loss. Each
 * {@code *Arrivals} method returns the reconnect times, one a client; {@link #figures} measures them per second
 * over the reconnect window (from the broker's return until the last client is back).
 */
final class ReconnectStorm {
    /** Reconnects per second over the window: the busiest second against the mean. */
    record Figures(double windowSeconds, int peakPerSecond, double meanPerSecond) {
        double peakOverMean() {
            return peakPerSecond / meanPerSecond;
        }

        @Override
        public String toString() {
            return String.format("window %6.2f s, peak %5d/s, mean %7.1f/s, peak/mean %5.2f", windowSeconds,
                    peakPerSecond, meanPerSecond, peakOverMean());
        }
    }

    private ReconnectStorm() {}

    /** Clients that each follow their own {@link BackoffSchedule} from a lost connection on. */
    static double[] robmqttArrivals(int clients, double back, double min, double max, Random random) {
        double[] arrivals = new double[clients];
        for (int c = 0; c < clients; c++) {
            BackoffSchedule schedule = new BackoffSchedule(min, max, random::nextDouble);
            double t = 0;
            while (t < back) {
                t += schedule.afterFailure(); // after the lost connection, then after each failed attempt
            }
            arrivals[c] = t;
        }
        return arrivals;
    }

    /**
     * Paho 1.2.5's automatic reconnect for clients in one JVM: {@code MqttAsyncClient.reconnectDelay} is a static
     * field, 1 s to begin with; a lost connection schedules the first attempt after it, every failed attempt of any
     * client doubles it while it is below maxReconnectDelay (so it can end at up to twice that) and schedules that
     * client's next attempt after it, and every success of any client sets it back to 1 s. No jitter. Attempts
     * due at the same moment run in client order, as Paho's timers would one after the other.
     */
    static double[] pahoArrivals(int clients, double back, double maxReconnectDelay) {
        PriorityQueue<double[]> due = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0])
                : Double.compare(a[1], b[1]));
        double delay = 1.0;
        for (int c = 0; c < clients; c++) {
            due.add(new double[] {delay, c});
        }
        double[] arrivals = new double[clients];
        while (!due.isEmpty()) {
            double[] attempt = due.poll();
            if (attempt[0] >= back) {
                arrivals[(int) attempt[1]] = attempt[0];
                delay = 1.0; // stopReconnectCycle() of the client that connected
                continue;
            }
            if (delay < maxReconnectDelay) {
                delay *= 2;
            }
            due.add(new double[] {attempt[0] + delay, attempt[1]});
        }
        return arrivals;
    }

    /** The floor any jitter can reach: as many reconnects, uniformly random over the same window. */
    static double[] uniformArrivals(int clients, double back, double windowSeconds, Random random) {
        double[] arrivals = new double[clients];
        for (int c = 0; c < clients; c++) {
            arrivals[c] = back + random.nextDouble() * windowSeconds;
        }
        return arrivals;
    }

    /**
     * Per second from {@code back} until the last arrival: the busiest one-second bin, and the mean rate (the
     * arrivals over the window's length, at least one second).
     */
    static Figures figures(double[] arrivals, double back) {
        double window = Arrays.stream(arrivals).max().orElseThrow() - back;
        int[] perSecond = new int[(int) Math.floor(window) + 1];
        for (double a : arrivals) {
            perSecond[(int) Math.floor(a - back)]++;
        }
        return new Figures(window, Arrays.stream(perSecond).max().orElseThrow(),
                arrivals.length / Math.max(1.0, window));
    }
}
