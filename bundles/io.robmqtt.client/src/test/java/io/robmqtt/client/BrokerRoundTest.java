package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrokerRoundTest {

    @Test
    void aRoundGoesDownTheListOnceThenStartsAgainAtTheFirst() {
        BrokerRound round = new BrokerRound();
        assertThat(round.broker()).isZero();
        assertThat(round.next(false, 3)).isTrue();
        assertThat(round.broker()).isEqualTo(1);
        assertThat(round.next(false, 3)).isTrue();
        assertThat(round.broker()).isEqualTo(2);
        assertThat(round.next(false, 3)).as("the list is exhausted: wait the backoff").isFalse();
        assertThat(round.restart()).as("not every broker refused").isFalse();
        assertThat(round.broker()).isZero();
    }

    @Test
    void aRoundWaitsAsForARefusalOnlyWhenEveryBrokerRefused() {
        BrokerRound round = new BrokerRound();
        round.next(true, 2);
        round.next(true, 2);
        assertThat(round.restart()).isTrue();
        round.next(true, 2);
        round.next(false, 2);
        assertThat(round.restart()).as("one broker did not answer: it may come back sooner").isFalse();
    }

    @Test
    void aSingleBrokerIsARoundOfOne() {
        BrokerRound round = new BrokerRound();
        assertThat(round.next(false, 1)).isFalse();
        assertThat(round.broker()).isZero();
    }
}
