package io.robmqtt.client;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Fills in connection properties the configuration leaves unset from the environment, as the Python original's
 * {@code Config.from_env()}: {@code broker.host} from {@code MQTT_BROKER_HOST}, {@code client.id} from
 * {@code MQTT_CLIENT_ID}, and so on for every property. A property set in the configuration wins.
 */
final class EnvironmentOverlay {
    private EnvironmentOverlay() {}

    static Map<String, Object> apply(Map<String, ?> properties, Map<String, String> environment) {
        Map<String, Object> merged = new HashMap<>();
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            String name = variable.getKey();
            if (name.startsWith(ConnectionConfig.ENV_PREFIX)) {
                String property = name.substring(ConnectionConfig.ENV_PREFIX.length()).toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                merged.put(property, property.equals("broker.uris") ? variable.getValue().split("\\s*,\\s*")
                        : variable.getValue());
            }
        }
        merged.putAll(properties);
        return merged;
    }
}
