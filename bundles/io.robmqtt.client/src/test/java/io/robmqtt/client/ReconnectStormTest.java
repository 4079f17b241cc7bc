package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A fleet of 10,000 clients that all lost one broker at t = 0 comes back spread out: over the reconnect window (from
 * the broker's return until the last client is back) the busiest second has at most 3 × the mean rate, and all are
 * back within 1.5 × max.backoff. A property of the schedule, simulated with a fixed seed (no clock, no timing). Each
 * case prints robmqtt's figures next to a uniformly random spread over the same window (the floor any jitter can
 * reach), equal jitter (a wait drawn on its own for every failure) and Paho's automatic reconnect.
 */
class ReconnectStormTest {
    private static final int CLIENTS = 10_000;
    private static final double MIN = 1;

    @Test
    void shortOutagesUnderFourTimesMinBackoff() {
        for (double outage : new double[] {0.7, 2.5, 3.9}) {
            assertSpreadOut(10, outage);
            assertSpreadOut(60, outage);
        }
    }

    @Test
    void outagesAroundMaxBackoff() {
        for (double max : new double[] {10, 60}) {
            for (double outage : new double[] {0.9 * max, max, 1.2 * max}) {
                assertSpreadOut(max, outage);
            }
        }
    }

    @Test
    void outagesOfSeveralTimesMaxBackoff() {
        for (double max : new double[] {10, 60}) {
            for (double outage : new double[] {3 * max, 10 * max}) {
                assertSpreadOut(max, outage);
            }
        }
    }

    /** Every outage from 0.3 s to 12 × max.backoff, 7 % apart: no length the cases above happen to miss. */
    @Test
    void everyOutageLength() {
        for (double max : new double[] {2, 10, 60}) {
            for (double outage = 0.3; outage <= 12 * max; outage *= 1.07) {
                ReconnectStorm.Figures robmqtt = ReconnectStorm.figures(
                        ReconnectStorm.robmqttArrivals(CLIENTS, outage, MIN, max, new Random(42)), outage);
                assertThat(robmqtt.peakOverMean()).as("peak/mean, max.backoff %s, outage %.2f s", max, outage)
                        .isLessThanOrEqualTo(3);
                assertThat(robmqtt.windowSeconds()).as("all back, max.backoff %s, outage %.2f s", max, outage)
                        .isLessThanOrEqualTo(1.5 * max);
            }
        }
    }

    /** Why the jitter is drawn once per outage: equal jitter, drawn for every wait, bunches up after short outages. */
    @Test
    void equalJitterBunchesUpAfterAShortOutage() {
        ReconnectStorm.Figures equal = ReconnectStorm.figures(equalJitterArrivals(CLIENTS, 3.9, MIN, 10,
                new Random(42)), 3.9);
        assertThat(equal.peakOverMean()).isGreaterThan(3);
    }

    /** Paho's shared static delay and no jitter: the whole fleet in one second, later than max.backoff. */
    @Test
    void pahoAutomaticReconnectComesBackInOneSecond() {
        ReconnectStorm.Figures paho = ReconnectStorm.figures(ReconnectStorm.pahoArrivals(CLIENTS, 30, 10), 30);
        assertThat(paho.peakPerSecond()).isGreaterThan(CLIENTS * 99 / 100);
        assertThat(paho.peakOverMean()).isGreaterThan(10);
    }

    private static void assertSpreadOut(double max, double outage) {
        Random random = new Random(42);
        ReconnectStorm.Figures robmqtt = ReconnectStorm.figures(
                ReconnectStorm.robmqttArrivals(CLIENTS, outage, MIN, max, random), outage);
        ReconnectStorm.Figures uniform = ReconnectStorm.figures(
                ReconnectStorm.uniformArrivals(CLIENTS, outage, robmqtt.windowSeconds(), random), outage);
        ReconnectStorm.Figures equal = ReconnectStorm.figures(equalJitterArrivals(CLIENTS, outage, MIN, max, random),
                outage);
        ReconnectStorm.Figures paho = ReconnectStorm.figures(ReconnectStorm.pahoArrivals(CLIENTS, outage, max),
                outage);
        System.out.printf("max.backoff %4.0f s, outage %6.1f s | robmqtt %s | uniform %.2f | equal jitter %.2f "
                + "(window %.1f s) | Paho %.2f (window %.1f s)%n", max, outage, robmqtt, uniform.peakOverMean(),
                equal.peakOverMean(), equal.windowSeconds(), paho.peakOverMean(), paho.windowSeconds());
        assertThat(robmqtt.peakOverMean()).as("peak/mean, max.backoff %s, outage %s s", max, outage)
                .isLessThanOrEqualTo(3);
        assertThat(robmqtt.windowSeconds()).as("all back, max.backoff %s, outage %s s", max, outage)
                .isLessThanOrEqualTo(1.5 * max);
    }

    /** Equal jitter: every wait drawn on its own from [e/2, e]. */
    private static double[] equalJitterArrivals(int clients, double back, double min, double max, Random random) {
        double[] arrivals = new double[clients];
        for (int c = 0; c < clients; c++) {
            double t = 0;
            for (int n = 0; t < back; n++) {
                double e = Math.min(max, min * Math.pow(2, Math.min(n, 62)));
                t += e / 2 + random.nextDouble() * e / 2;
            }
            arrivals[c] = t;
        }
        return arrivals;
    }
}
