package io.robmqtt.logging;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The logging configuration is refused by property and rule where it is invalid, and the defaults pass. */
class LoggingRulesTest {
    private static LoggingConfig config(Object... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Converters.standardConverter().convert(properties).to(LoggingConfig.class);
    }

    @Test
    void theDefaultsAndTheOriginalsLevelsPass() {
        assertThatCode(() -> LoggingRules.check(config())).doesNotThrowAnyException();
        for (String level : LoggingRules.LEVELS) {
            assertThatCode(() -> LoggingRules.check(config("log.level", level.toLowerCase()))).doesNotThrowAnyException();
        }
    }

    @Test
    void invalidValuesAreRefusedByPropertyAndRule() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoggingRules.check(config("log.level", "LOUD")))
                .withMessageContaining("log.level is LOUD; it must be one of");
        assertThatIllegalArgumentException().isThrownBy(() -> LoggingRules.check(config("log.max.bytes", 10)))
                .withMessageContaining("log.max.bytes is 10; it must be at least 1024");
        assertThatIllegalArgumentException().isThrownBy(() -> LoggingRules.check(config("log.backup.count", 0)))
                .withMessageContaining("log.backup.count is 0; it must be from 1 to 100");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoggingRules.check(config("metrics.interval.seconds", -1)))
                .withMessageContaining("metrics.interval.seconds is -1");
        assertThatIllegalArgumentException().isThrownBy(() -> LoggingRules.check(config("log.dir", " ")))
                .withMessageContaining("log.dir must be a directory path");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoggingRules.check(config("log.backup.count", "many")))
                .withMessageContaining("log.backup.count cannot be read as a whole number");
    }
}
