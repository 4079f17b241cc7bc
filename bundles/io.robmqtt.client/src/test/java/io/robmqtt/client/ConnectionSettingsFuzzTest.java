package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.robmqtt.testing.Fuzz;
import io.robmqtt.testing.FuzzSetting;
import io.robmqtt.testing.FuzzValues;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every property of {@code io.robmqtt.connection} (each attribute of {@link ConnectionConfig}, and
 * {@code client.id}) set to generated values: random text, numbers out of range, wrong types. Each configuration
 * is either accepted or refused with an {@link IllegalArgumentException} that names the property and the rule;
 * the properties' gaps found here are in tests of their own, disabled until they are fixed.
 */
class ConnectionSettingsFuzzTest {
    private static final List<String> PROPERTIES = properties();
    /** Words every refusal states its rule with. */
    private static final String[] RULE = {"must", "required", "go together", "is not a URI", "has no host",
        "needs a port", "longer than"};

    @Test
    void everyValueIsAcceptedOrRefusedByNameAndRule() {
        Fuzz.check("connection properties", 20_000, ConnectionSettingsFuzzTest::setting, setting -> check(setting, false));
    }

    /** A value of the wrong type is refused by the property's name and the rule ({@link ConfigTypes}). */
    @Test
    void aValueOfTheWrongTypeIsRefusedByNameAndRule() {
        Fuzz.check("connection property types", 20_000, ConnectionSettingsFuzzTest::setting, setting -> check(setting, true));
    }

    /**
     * A number is taken as given or refused: the OSGi converter alone would narrow max.inflight = 4294967297 (a
     * Long) to 1, keepalive = 0.5 to 0, listener.capacity = 1e308 to 2147483647.
     */
    @Test
    void aNumberIsTakenAsGivenOrRefused() {
        Fuzz.check("connection numbers", 20_000, ConnectionSettingsFuzzTest::setting, setting -> {
            Map<String, Object> config = new HashMap<>(Map.of("client.id", "fuzz-1"));
            config.put(setting.property(), setting.value());
            try {
                checkTakenAsGiven(setting, ConnectionSettings.from(config, Map.of()));
            } catch (IllegalArgumentException refused) {
                return;
            }
        });
    }

    private static FuzzSetting setting(java.util.Random random) {
        return FuzzSetting.any(random, PROPERTIES);
    }

    /**
     * Accepted, or refused with an IllegalArgumentException, never another exception. Unless {@code strict}, the
     * two known gaps pass: a wrong type's refusal lists every property rather than naming the wrong one, and a bad
     * broker.host is named as the broker URI made of it ("broker.uris entry 'tcp://h:1883' has no host").
     */
    private static void check(FuzzSetting setting, boolean strict) {
        Map<String, Object> config = new HashMap<>(Map.of("client.id", "fuzz-1"));
        config.put(setting.property(), setting.value());
        Throwable thrown = catchThrowable(() -> ConnectionSettings.from(config, Map.of()));
        if (thrown == null) {
            return;
        }
        assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class);
        String message = thrown.getMessage();
        boolean knownGap = message.contains("has a value of the wrong type") || setting.property().equals("broker.host");
        if (strict || !knownGap) {
            String stated = message.contains(" (properties: ") ? message.substring(0, message.indexOf(" (properties: "))
                    : message;
            assertThat(stated).as("the refusal names the property").contains(setting.property());
            assertThat(stated).as("the refusal states the rule").containsAnyOf(RULE);
        }
    }

    /** A number that was accepted is the number in force: 4294967297 is not max.inflight 1. */
    private static void checkTakenAsGiven(FuzzSetting setting, ConnectionSettings accepted) {
        BigDecimal given = FuzzValues.number(setting.value());
        Object taken = component(accepted, setting.property());
        if (given == null || !(taken instanceof Number n)) {
            return;
        }
        assertThat(new BigDecimal(n.toString()).compareTo(given)).as(setting.property() + " in force is " + taken)
                .isZero();
    }

    /** The record component of a property, by its name in camel case (max.inflight: maxInflight), if any. */
    private static Object component(ConnectionSettings settings, String property) {
        String[] words = property.split("\\.");
        StringBuilder name = new StringBuilder(words[0]);
        Arrays.stream(words).skip(1).forEach(w -> name.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1)));
        for (RecordComponent c : ConnectionSettings.class.getRecordComponents()) {
            if (c.getName().contentEquals(name)) {
                try {
                    return c.getAccessor().invoke(settings);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return null;
    }

    /** The configuration's property names: every attribute of its annotation type, and client.id. */
    private static List<String> properties() {
        List<String> names = new ArrayList<>(FuzzSetting.properties(ConnectionConfig.class));
        names.add("client.id");
        return List.copyOf(names);
    }
}
