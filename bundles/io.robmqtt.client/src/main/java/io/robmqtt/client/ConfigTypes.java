package io.robmqtt.client;

import io.robmqtt.common.ConfigScalar;
import io.robmqtt.common.LogValue;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * Checks each connection property against its attribute's type before the OSGi converter reads the
 * configuration: the converter refuses a wrong type without naming the property ({@code keepalive = soon}), and
 * cuts a number to fit its type ({@code max.inflight = 4294967297} would run as 1, {@code keepalive = 0.5} as 0).
 * Here both are refusals that name the property and the rule. Secret values are never shown.
 */
final class ConfigTypes {
    private static final Set<String> SECRETS = Set.of("password", "keyfile.password");

    private ConfigTypes() {}

    /** @throws IllegalArgumentException naming the first property whose value its type cannot take as given */
    static void check(Map<String, ?> properties) {
        for (Method attribute : ConnectionConfig.class.getDeclaredMethods()) {
            String property = attribute.getName().replace('_', '.');
            Object raw = ConfigScalar.first(properties.get(property));
            Class<?> type = attribute.getReturnType();
            if (raw == null) {
                continue;
            }
            if (type == int.class) {
                wholeNumber(property, raw, Integer.MIN_VALUE, Integer.MAX_VALUE);
            } else if (type == long.class) {
                wholeNumber(property, raw, Long.MIN_VALUE, Long.MAX_VALUE);
            } else if (type == double.class) {
                BigDecimal number = decimal(raw);
                // up to 15 significant digits a double holds a decimal number as it is given
                require(number != null && number.stripTrailingZeros().precision() <= 15, property, raw,
                        "a number of at most 15 significant digits");
            } else if (type == boolean.class) {
                require(raw instanceof Boolean || raw instanceof String s
                        && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")),
                        property, raw, "true or false");
            }
        }
    }

    private static void wholeNumber(String property, Object raw, long min, long max) {
        BigDecimal number = raw instanceof String s && !s.matches("[+-]?\\d+") ? null : decimal(raw);
        String rule = "a whole number from " + min + " to " + max;
        require(number != null && number.stripTrailingZeros().scale() <= 0
                && number.compareTo(BigDecimal.valueOf(min)) >= 0 && number.compareTo(BigDecimal.valueOf(max)) <= 0,
                property, raw, rule);
    }

    /** The number a value stands for; null for anything else (a boolean, text, infinity, NaN). */
    private static BigDecimal decimal(Object raw) {
        try {
            if (raw instanceof Double d && !Double.isFinite(d) || raw instanceof Float f && !Float.isFinite(f)) {
                return null;
            }
            if (raw instanceof Number n) {
                return new BigDecimal(n.toString());
            }
            // ASCII digits only: BigDecimal reads other scripts' digits, the converter does not
            return raw instanceof String s && s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")
                    ? new BigDecimal(s) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void require(boolean condition, String property, Object raw, String rule) {
        if (!condition) {
            String shown = SECRETS.contains(property) ? "(a secret)" : LogValue.of(raw);
            throw new IllegalArgumentException(property + " is " + shown + " (" + raw.getClass().getSimpleName()
                    + "); it must be " + rule);
        }
    }
}
