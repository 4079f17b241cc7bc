package io.robmqtt.sample.telemetry;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.lang.annotation.Annotation;
import org.junit.jupiter.api.Test;

/** The sample's configuration is refused by property and rule where it is invalid. */
class TelemetryPublisherTest {
    private static TelemetryConfig config(String topic, int interval, int qos) {
        return new TelemetryConfig() {
            @Override public Class<? extends Annotation> annotationType() { return TelemetryConfig.class; }
            @Override public String topic() { return topic; }
            @Override public int interval_seconds() { return interval; }
            @Override public int qos() { return qos; }
        };
    }

    @Test
    void invalidValuesAreRefusedByPropertyAndRule() {
        assertThatCode(() -> TelemetryPublisher.check(config("demo/telemetry", 2, 1))).doesNotThrowAnyException();
        assertThatIllegalArgumentException().isThrownBy(() -> TelemetryPublisher.check(config("t", 0, 1)))
                .withMessageContaining("interval.seconds is 0; it must be at least 1");
        assertThatIllegalArgumentException().isThrownBy(() -> TelemetryPublisher.check(config("t", 1, 3)))
                .withMessageContaining("qos is 3; it must be 0, 1 or 2");
        assertThatIllegalArgumentException().isThrownBy(() -> TelemetryPublisher.check(config("a/#", 1, 1)))
                .withMessageContaining("topic 'a/#' contains the wildcard");
    }
}
