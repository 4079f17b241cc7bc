package io.robmqtt.testing;

import java.math.BigDecimal;
import java.util.List;
import java.util.Random;

/**
 * Configuration values as ConfigAdmin may deliver them, from a {@code .cfg} file, the Web Console or code: text,
 * numbers in and out of every range (as numbers and as text), booleans, arrays and lists, and objects of no
 * configuration type at all.
 */
public final class FuzzValues {
    private static final List<Object> EDGES = List.of(0, 1, -1, 65_535, 65_536, 100, 3_600, 3_601,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 4_294_967_297L, Long.MAX_VALUE, Long.MIN_VALUE, 0.5, -0.0,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, 315_360_000.0, 315_360_001.0,
            268_435_455, 268_435_456, "", " ", "5", " 5 ", "5.5", "1e3", "0x10", "NaN", "-Infinity", "99999999999",
            "true", "false", "FULL", "NORMAL", "OFF", "full", true, false);

    private FuzzValues() {}

    /** One value of any kind. */
    public static Object any(Random random) {
        return switch (random.nextInt(10)) {
            case 0, 1 -> EDGES.get(random.nextInt(EDGES.size()));
            case 2 -> random.nextInt();
            case 3 -> random.nextLong();
            case 4 -> random.nextDouble() * Math.pow(10, random.nextInt(12)) * (random.nextBoolean() ? 1 : -1);
            case 5 -> String.valueOf(random.nextInt(200_000) - 100_000);
            case 6 -> new String[] {FuzzText.text(random, 4), String.valueOf(random.nextInt(100))};
            case 7 -> random.nextBoolean() ? List.of(random.nextInt(100)) : new Object();
            default -> FuzzText.text(random, 6);
        };
    }

    /**
     * The value as a number, where it is one or is text that reads as one; null otherwise. A list or an array
     * counts as its first element, and a boolean as 1 or 0, as the OSGi converter (and SCR) take them for a number.
     */
    public static BigDecimal number(Object value) {
        if (value instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (value instanceof Object[] array) {
            return array.length == 0 ? null : number(array[0]);
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? null : number(list.get(0));
        }
        if (value instanceof Number n && !(value instanceof Double d && (d.isNaN() || d.isInfinite()))) {
            return new BigDecimal(n.toString());
        }
        if (value instanceof String s) {
            try {
                return new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
