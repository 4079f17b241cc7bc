package io.robmqtt.demo;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** The demo's one property is refused by name and rule outside its range. */
class DemoBrokerTest {
    @Test
    void brokerPortIsZeroForAnyFreePortOrAPort() {
        assertThatCode(() -> DemoBroker.checkPort(0)).doesNotThrowAnyException();
        assertThatCode(() -> DemoBroker.checkPort(65_535)).doesNotThrowAnyException();
        for (int bad : new int[] {-1, 65_536, Integer.MIN_VALUE}) {
            assertThatIllegalArgumentException().isThrownBy(() -> DemoBroker.checkPort(bad))
                    .withMessageContaining("broker.port is " + bad).withMessageContaining("must be 0");
        }
    }
}
