package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffScheduleTest {

    @Test
    void waitsGrowExponentiallyNeverShrinkAndStayUnderTheCap() {
        BackoffSchedule backoff = new BackoffSchedule(1, 60, new Random(7)::nextDouble);
        List<Double> waits = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            waits.add(backoff.afterFailure());
        }
        // 1, 2, 4, 8, 16, 32: each wait in [e/2, e] never shrinks; past that the cap of 60 holds them in [30, 60]
        assertThat(waits.subList(0, 6)).isSorted();
        assertThat(waits.subList(6, 12)).allSatisfy(w -> assertThat(w).isBetween(30.0, 60.0));
        assertThat(waits.get(0)).isBetween(0.5, 1.0);
        assertThat(waits.get(3)).isBetween(4.0, 8.0);
        assertThat(waits.get(11)).isBetween(30.0, 60.0);
    }

    @Test
    void theBoundsAreReachedAtTheExtremesOfTheJitter() {
        BackoffSchedule low = new BackoffSchedule(2, 10, () -> 0.0);
        BackoffSchedule high = new BackoffSchedule(2, 10, () -> 0.999_999);
        assertThat(low.afterFailure()).isEqualTo(1.0);
        assertThat(high.afterFailure()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-5));
        for (int i = 0; i < 10; i++) {
            low.afterFailure();
            high.afterFailure();
        }
        assertThat(low.afterFailure()).isEqualTo(5.0);
        assertThat(high.afterFailure()).isLessThan(10.0);
    }

    @Test
    void aFleetThatFailedTogetherSpreadsOut() {
        List<Double> firstWaits = new ArrayList<>();
        Random random = new Random(42);
        for (int gateway = 0; gateway < 100; gateway++) {
            firstWaits.add(new BackoffSchedule(1, 60, random::nextDouble).afterFailure());
        }
        assertThat(firstWaits.stream().distinct().count()).isEqualTo(100);
        assertThat(firstWaits.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                - firstWaits.stream().mapToDouble(Double::doubleValue).min().orElseThrow()).isGreaterThan(0.4);
    }

    @Test
    void aRefusalWaitsNearlyTheMaximumAndSuccessStartsOver() {
        BackoffSchedule backoff = new BackoffSchedule(1, 60, () -> 0.5);
        assertThat(backoff.afterRefusal()).isCloseTo(57.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(backoff.current()).isCloseTo(57.0, org.assertj.core.data.Offset.offset(1e-9));
        backoff.reset();
        assertThat(backoff.current()).isEqualTo(1.0);
        // the run's jitter k = 2^(0.5 - 1)
        assertThat(backoff.afterFailure()).isCloseTo(Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-9));
    }
}
