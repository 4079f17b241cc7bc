package io.robmqtt.common;

import java.util.function.Supplier;

/**
 * Reads one attribute of a component's configuration object, turning what SCR or the OSGi converter throws for a
 * value of the wrong type (a {@code ComponentException}, a {@code ConversionException}) into a refusal that names
 * the property and the rule, like any other invalid value.
 */
public final class ConfigRead {
    private ConfigRead() {}

    public static <T> T read(String property, String rule, Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(property + " cannot be read (" + e.getMessage() + "); it must be " + rule, e);
        }
    }
}
