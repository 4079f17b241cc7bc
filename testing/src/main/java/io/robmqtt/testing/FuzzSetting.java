package io.robmqtt.testing;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One configuration property set to one generated value, as a fuzz test of a component's configuration updates
 * it; shown in a failure as {@code property = value (Type)}.
 *
 * @param property the property's name, such as {@code max.queue.size}
 * @param value the value ConfigAdmin delivers
 */
public record FuzzSetting(String property, Object value) {

    /** A value from {@link FuzzValues#any(Random)} for one of {@code properties}. */
    public static FuzzSetting any(Random random, List<String> properties) {
        return new FuzzSetting(properties.get(random.nextInt(properties.size())), FuzzValues.any(random));
    }

    /**
     * The property names of a configuration annotation type, by the DS rule ({@code max_queue_size()} is
     * {@code max.queue.size}), sorted: a property added later is fuzzed too.
     */
    public static List<String> properties(Class<?> configuration) {
        List<String> names = new ArrayList<>();
        for (Method m : configuration.getDeclaredMethods()) {
            names.add(m.getName().replace('_', '.'));
        }
        names.sort(null);
        return List.copyOf(names);
    }

    @Override
    public String toString() {
        return property + " = " + (value instanceof Object[] a ? Arrays.toString(a) : value) + " ("
                + value.getClass().getSimpleName() + ")";
    }
}
