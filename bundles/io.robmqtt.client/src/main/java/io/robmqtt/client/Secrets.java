package io.robmqtt.client;

import io.robmqtt.api.SecretDecoder;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;

/**
 * The one path by which robmqtt's secrets (the MQTT {@code password} and {@code keyfile.password}) go from the
 * configuration to a connection attempt, on the Felix gateway, Karaf and Kura alike:
 * <ol>
 *   <li>As a Configuration Admin plugin, ranked after the interpolation plugin (which replaces
 *       {@code $[secret:NAME]} with the file's content, at ranking 500), it replaces those values in every
 *       connection configuration that Configuration Admin hands to a component with a reference
 *       ({@value #PREFIX}&lt;id&gt;), and keeps the value here. So component properties, and what lists them (the
 *       Web Console's component pages and status printers, Gogo's {@code scr:info}), never hold a secret.
 *   <li>At each connection attempt, {@link #resolve} turns references back into values, then passes them through
 *       the runtime's {@link SecretDecoder} if one is registered (Kura: decryption with its CryptoService).
 * </ol>
 * The values live in memory only, for as long as the client bundle runs; the same value gets the same
 * reference, so a configuration update that keeps the password does not look like a new one. Registered by
 * {@link SecretsActivator}.
 */
public class Secrets implements ConfigurationPlugin {
    /** Its {@code config.plugin.id}. */
    static final String PLUGIN_ID = "io.robmqtt.secrets";
    /** After the interpolation plugin's 500, within the range (0 to 1000) where plugins may change values. */
    static final int RANKING = 900;
    static final String PREFIX = "robmqtt-secret:";
    /** The secret properties of a connection configuration. */
    static final List<String> PROPERTIES = List.of("password", "keyfile.password");

    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, String> references = new ConcurrentHashMap<>();

    /** The runtime's decoder, the highest-ranked registered; null when there is none. */
    private final Supplier<SecretDecoder> decoder;

    /** Secrets used as they are configured: no decoder. */
    Secrets() {
        this(() -> null);
    }

    Secrets(Supplier<SecretDecoder> decoder) {
        this.decoder = decoder;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> target, Dictionary<String, Object> properties) {
        if (!ConnectionConfig.FACTORY_PID.equals(properties.get(ConfigurationAdmin.SERVICE_FACTORYPID))) {
            return;
        }
        for (String property : PROPERTIES) {
            if (properties.get(property) instanceof String value && !value.isEmpty() && !value.startsWith(PREFIX)) {
                properties.put(property, reference(value));
            }
        }
    }

    /** The reference that stands for a value. */
    String reference(String value) {
        return references.computeIfAbsent(value, v -> {
            String reference = PREFIX + UUID.randomUUID();
            values.put(reference, v);
            return reference;
        });
    }

    /**
     * The value to use for a configured secret: a reference is replaced by its value, and the runtime's decoder
     * (if any) decodes it. Empty stays empty.
     *
     * @throws IllegalStateException naming the property, never the value, if a reference is unknown or the
     *     decoder refuses the value
     */
    String resolve(String property, String configured) {
        if (configured.isEmpty()) {
            return configured;
        }
        String value = configured;
        if (configured.startsWith(PREFIX)) {
            value = values.get(configured);
            if (value == null) {
                throw new IllegalStateException(property + " holds a secret reference that this robmqtt does not "
                        + "know (the client bundle restarted under a running connection?); update the connection's "
                        + "configuration");
            }
        }
        SecretDecoder d = decoder.get();
        if (d == null) {
            return value;
        }
        try {
            return d.decode(property, value);
        } catch (RuntimeException e) {
            // not the decoder's exception as the cause: its message may hold the value
            throw new IllegalStateException(property + " could not be decoded by the runtime's SecretDecoder ("
                    + e.getClass().getName() + ")");
        }
    }

    /** The settings with their secrets resolved, for one connection attempt. */
    ConnectionSettings resolve(ConnectionSettings settings) {
        return settings.withSecrets(resolve("password", settings.password()),
                resolve("keyfile.password", settings.keyfilePassword()));
    }
}
