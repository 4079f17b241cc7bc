package io.robmqtt.broker.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BrokerProcessTest {
    @Test
    void thePortIsTheOneArgument() {
        assertThat(BrokerProcess.port("b.jar", new String[] {"1883"})).isEqualTo(1883);
        assertThat(BrokerProcess.port("b.jar", new String[] {"65535"})).isEqualTo(65535);
    }

    @Test
    void anythingElseIsRefusedWithTheUsage() {
        assertThatThrownBy(() -> BrokerProcess.port("b.jar", new String[0]))
                .hasMessage("usage: java -jar b.jar PORT (one argument, got 0)");
        assertThatThrownBy(() -> BrokerProcess.port("b.jar", new String[] {"1", "2"}))
                .hasMessageContaining("one argument, got 2");
        assertThatThrownBy(() -> BrokerProcess.port("b.jar", new String[] {"x"}))
                .hasMessage("usage: java -jar b.jar PORT: PORT must be a number 1..65535, got 'x'");
        assertThatThrownBy(() -> BrokerProcess.port("b.jar", new String[] {"0"}))
                .hasMessage("usage: java -jar b.jar PORT: PORT must be 1..65535, got 0");
        assertThatThrownBy(() -> BrokerProcess.port("b.jar", new String[] {"65536"}))
                .hasMessageContaining("got 65536");
    }
}
