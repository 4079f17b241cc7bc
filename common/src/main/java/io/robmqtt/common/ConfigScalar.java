package io.robmqtt.common;

import java.util.List;

/** A configuration value as the OSGi converter takes it for a single-valued attribute. */
public final class ConfigScalar {
    private ConfigScalar() {}

    /** The value the converter takes of a list or an array: its first element; other values as they are. */
    public static Object first(Object value) {
        if (value instanceof Object[] array) {
            return array.length == 0 ? null : array[0];
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? null : list.get(0);
        }
        return value;
    }
}
