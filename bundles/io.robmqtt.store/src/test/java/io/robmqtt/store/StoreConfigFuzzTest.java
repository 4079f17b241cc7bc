package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.robmqtt.testing.Fuzz;
import io.robmqtt.testing.FuzzSetting;
import io.robmqtt.testing.FuzzText;
import io.robmqtt.testing.FuzzValues;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/**
 * Every property of {@code io.robmqtt.store} updated to generated values on a running store: random text,
 * numbers out of range, wrong types. The configuration object is made as SCR makes it, a proxy that converts each
 * value when it is read. Each update is either applied, with the value as given, or refused by name and rule
 * (the store logs {@code event=config_refused}) and the store keeps running on its previous settings. Nothing
 * escapes the update.
 */
class StoreConfigFuzzTest {
    private static final List<String> PROPERTIES = FuzzSetting.properties(StoreConfig.class);

    @TempDir
    Path dir;

    @Test
    void everyUpdateIsAppliedOrRefusedAndTheStoreKeepsItsSettings() {
        SqliteStore store = new SqliteStore(new StoreSettings(dir.resolve("start.db")), Clock.systemUTC());
        try {
            Fuzz.check("store properties", 300, random -> {
                String property = PROPERTIES.get(random.nextInt(PROPERTIES.size()));
                return new FuzzSetting(property, property.equals("db.path") ? path(random) : FuzzValues.any(random));
            }, setting -> check(store, setting));
        } finally {
            store.close();
        }
    }

    @Test
    void aRefusedValueIsNamedWithItsRule() {
        Fuzz.check("store refusals", 5_000, random -> {
            String property = PROPERTIES.get(random.nextInt(PROPERTIES.size()));
            return new FuzzSetting(property, property.equals("db.path") ? path(random) : FuzzValues.any(random));
        }, setting -> {
            Throwable thrown = catchThrowable(() -> {
                StoreConfig config = config(setting);
                QueueLimits.from(config, properties(setting));
                DatabaseFile.path(io.robmqtt.common.ConfigRead.read("db.path", "text", config::db_path));
                ConfigValues.option("db.synchronous", properties(setting), StoreConfig.Synchronous.class, config::db_synchronous);
            });
            if (thrown != null) {
                assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class);
                assertThat(thrown.getMessage()).contains(setting.property()).containsAnyOf("must", "is a directory");
            }
        });
    }

    private void check(SqliteStore store, FuzzSetting setting) {
        store.modified(config(new FuzzSetting("max.queue.size", 1000)), Map.of()); // the defaults: only the fuzzed one differs
        Map<String, Object> before = state(store);
        Throwable thrown = catchThrowable(() -> store.modified(config(setting), properties(setting)));
        assertThat(thrown).as("what escapes the update").isNull();
        Map<String, Object> after = state(store);
        for (String property : PROPERTIES) {
            if (!property.equals(setting.property())) {
                assertThat(after.get(property)).as(property + ", not updated").isEqualTo(before.get(property));
            } else if (!after.get(property).equals(before.get(property))) {
                assertThat(takenAsGiven(after.get(property), setting.value())).as(property + " in force is "
                        + after.get(property)).isTrue();
            }
        }
    }

    /** Whether the value in force is the value given: the same number, or the same text (an option's name). */
    private static boolean takenAsGiven(Object inForce, Object given) {
        BigDecimal number = FuzzValues.number(given);
        if (inForce instanceof Number n) {
            return number != null && new BigDecimal(n.toString()).compareTo(number) == 0;
        }
        Object value = given instanceof Object[] a ? a[0] : given instanceof List<?> l ? l.get(0) : given;
        return value instanceof String s && inForce.toString().equalsIgnoreCase(s.trim());
    }

    private static Map<String, Object> state(SqliteStore store) {
        Map<String, Object> state = new HashMap<>();
        for (String property : PROPERTIES) {
            state.put(property, inForce(store, property));
        }
        return state;
    }

    /** The value in force of a property, as the store reports it. */
    private static Object inForce(SqliteStore store, String property) {
        QueueLimits limits = store.limits();
        return switch (property) {
            case "max.queue.size" -> limits.maxQueueSize();
            case "max.queue.bytes" -> limits.maxQueueBytes();
            case "max.payload.bytes" -> limits.maxPayloadBytes();
            case "min.free.disk.bytes" -> limits.minFreeDiskBytes();
            case "db.path" -> store.databaseFile().toString();
            case "db.synchronous" -> store.synchronous();
            default -> throw new AssertionError("a store property this test does not know: " + property);
        };
    }

    /** A database path in the test's directory, or one of the forms that are refused, or text with U+0000. */
    private String path(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> List.of("", " ", ":memory:", "file:x.db", "x.db?synchronous=OFF", dir.toString()).get(random.nextInt(6));
            case 1 -> dir.resolve("a").toString() + "\u0000";
            default -> dir.resolve("db-" + FuzzText.wellFormed(random, 3).replace('/', '_').replace('\u0000', '_')) + ".db";
        };
    }

    /** The configuration as SCR hands it over: the declared defaults, the test's database, the fuzzed property. */
    private StoreConfig config(FuzzSetting setting) {
        return Converters.standardConverter().convert(properties(setting)).to(StoreConfig.class);
    }

    private Map<String, Object> properties(FuzzSetting setting) {
        Map<String, Object> properties = new HashMap<>(Map.of("db.path", dir.resolve("start.db").toString()));
        properties.put(setting.property(), setting.value());
        return properties;
    }

}
