package io.robmqtt.store;

import static io.robmqtt.common.ConfigRead.read;

import io.robmqtt.common.ConfigScalar;
import java.math.BigDecimal;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads one value of the store's configuration. SCR converts a configuration value when the component reads it:
 * a value of the wrong type ({@code max.queue.size = many}) fails there, with an exception that names neither the
 * property nor the rule, and a number too large for the attribute's type is cut to fit ({@code 5000000000L} is
 * read as the int 705032704, {@code 2.5} as 2). Here both become refusals that name the property and the rule,
 * like any other invalid value.
 */
final class ConfigValues {
    private ConfigValues() {}

    /**
     * A whole number, as SCR converted it from {@code given} (the configuration's properties), refused where the
     * conversion changed the number: too large for the attribute's type, a fraction, or not a number at all.
     */
    static <T extends Number> T wholeNumber(String property, Map<String, ?> given, Supplier<T> converted) {
        T value = read(property, "a whole number", converted);
        Object raw = ConfigScalar.first(given.get(property));
        String range = value instanceof Integer ? "from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
                : "from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
        if (raw instanceof Boolean || raw instanceof Double d && !Double.isFinite(d)
                || raw instanceof Float f && !Float.isFinite(f)) {
            throw new IllegalArgumentException(property + " is " + raw + "; it must be a whole number " + range);
        }
        BigDecimal number = decimal(raw);
        if (number != null && number.compareTo(new BigDecimal(value.toString())) != 0) {
            throw new IllegalArgumentException(property + " is " + raw + "; it must be a whole number " + range);
        }
        return value;
    }

    /**
     * An option such as {@code db.synchronous}, as SCR converted it from {@code given}, refused unless it was
     * given as its name: a converter may map a number to an option by its position (1 to NORMAL).
     */
    static <T extends Enum<T>> T option(String property, Map<String, ?> given, Class<T> type, Supplier<T> converted) {
        String names = java.util.Arrays.toString(type.getEnumConstants());
        T value = read(property, "one of " + names, converted);
        Object raw = ConfigScalar.first(given.get(property));
        if (raw != null && !(raw instanceof String s && s.trim().equalsIgnoreCase(value.name()))) {
            throw new IllegalArgumentException(property + " is " + raw + "; it must be one of " + names);
        }
        return value;
    }

    private static BigDecimal decimal(Object raw) {
        try {
            if (raw instanceof Number n) {
                return new BigDecimal(n.toString());
            }
            return raw instanceof String s ? new BigDecimal(s.trim()) : null;
        } catch (NumberFormatException e) { // not a number: read() has already refused what SCR could not convert
            return null;
        }
    }
}
