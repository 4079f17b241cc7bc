package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The token bucket of max.publish.rate, on a clock the test moves. */
class PublishRateTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now = 1_000 * MS;

    @Test
    void unlimitedTakesWhatIsAsked() {
        PublishRate rate = new PublishRate(() -> now, 0, 0);
        assertThat(rate.take(1_000)).isEqualTo(1_000);
        assertThat(rate.nanosUntilToken()).isZero();
        assertThat(rate.unlimited()).isTrue();
    }

    @Test
    void aFullBucketGivesItsBurstThenTokensComeAtTheRate() {
        PublishRate rate = new PublishRate(() -> now, 100, 10);
        assertThat(rate.take(50)).as("the burst").isEqualTo(10);
        assertThat(rate.tryTake()).isFalse();
        assertThat(rate.nanosUntilToken()).isEqualTo(10 * MS);
        now += 10 * MS;
        assertThat(rate.take(50)).isEqualTo(1);
        now += 1_000 * MS;
        assertThat(rate.take(500)).as("never more than the burst gathers").isEqualTo(10);
    }

    @Test
    void overTimeTheRateIsKept() {
        PublishRate rate = new PublishRate(() -> now, 200, 20);
        int sent = rate.take(Integer.MAX_VALUE);
        for (int ms = 0; ms < 10_000; ms++) { // 10 s, asking every millisecond
            now += MS;
            sent += rate.take(Integer.MAX_VALUE);
        }
        assertThat(sent).as("the burst, then 200 a second").isBetween(20 + 200 * 10 - 1, 20 + 200 * 10);
    }

    @Test
    void aBurstOfZeroIsOneSecondsWorth() {
        PublishRate rate = new PublishRate(() -> now, 50, 0);
        assertThat(rate.take(1_000)).isEqualTo(50);
    }

    @Test
    void aNewConfigurationAppliesAtOnceAndKeepsNoMoreThanItsBurst() {
        PublishRate rate = new PublishRate(() -> now, 1_000, 1_000);
        rate.configure(10, 5);
        assertThat(rate.take(1_000)).isEqualTo(5);
        now += 100 * MS;
        assertThat(rate.take(1_000)).isEqualTo(1);
        rate.configure(0, 0);
        assertThat(rate.take(1_000)).as("no limit any more").isEqualTo(1_000);
    }

    @Test
    void tokensGivenBackAreNotLost() {
        PublishRate rate = new PublishRate(() -> now, 100, 10);
        assertThat(rate.take(10)).isEqualTo(10);
        rate.giveBack(4);
        assertThat(rate.take(10)).isEqualTo(4);
    }

    @Test
    void waitingForATokenCountsAsThrottledAndEndsWithTheSession() {
        long[] clock = {0};
        PublishRate rate = new PublishRate(() -> clock[0], 1, 1);
        assertThat(rate.takeUpTo(1, () -> true)).isEqualTo(1);
        int[] looks = {0};
        int taken = rate.takeUpTo(1, () -> {
            clock[0] += 100 * MS; // each look at the session passes 100 ms
            return ++looks[0] < 5;
        });
        assertThat(taken).as("the session ended before a token came").isZero();
        assertThat(rate.throttledSeconds()).isGreaterThan(0.3);
    }
}
