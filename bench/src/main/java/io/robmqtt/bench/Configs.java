package io.robmqtt.bench;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Makes an instance of a configuration annotation, as ConfigAdmin and DS would: each property from the map
 * (keyed by the OSGi name, {@code max_queue_size} as {@code max.queue.size}), else the declared default.
 */
final class Configs {
    private Configs() {}

    static <A> A of(Class<A> type, Map<String, Object> properties) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> value(type, method, properties)));
    }

    private static Object value(Class<?> type, Method method, Map<String, Object> properties) {
        return switch (method.getName()) {
            case "annotationType" -> type;
            case "toString" -> type.getSimpleName() + properties;
            case "hashCode" -> properties.hashCode();
            case "equals" -> false;
            default -> properties.getOrDefault(method.getName().replace('_', '.'), method.getDefaultValue());
        };
    }
}
