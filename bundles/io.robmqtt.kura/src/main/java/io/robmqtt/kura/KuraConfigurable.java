package io.robmqtt.kura;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.eclipse.kura.configuration.ConfigurableComponent;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Registers the marker service by which Kura's ConfigurationService lists a configuration in its web UI: a
 * {@link ConfigurableComponent} with {@code service.pid} and {@code kura.service.pid}. Kura reads the form from
 * the metatype of the bundle that declares the PID, so the adapter needs no metatype of its own.
 *
 * <p>Only the PIDs are copied onto the service, not the configuration (which holds passwords).
 */
final class KuraConfigurable implements ConfigurableComponent {
    /** Kura's {@code ConfigurationService.KURA_SERVICE_PID}. */
    static final String KURA_SERVICE_PID = "kura.service.pid";

    private final ServiceRegistration<ConfigurableComponent> registration;

    KuraConfigurable(BundleContext context, Map<String, Object> configuration) {
        registration = context.registerService(ConfigurableComponent.class, this, identity(configuration));
    }

    static Dictionary<String, Object> identity(Map<String, Object> configuration) {
        Dictionary<String, Object> properties = new Hashtable<>();
        for (String key : new String[] {Constants.SERVICE_PID, "service.factoryPid", KURA_SERVICE_PID}) {
            Object value = configuration.get(key);
            if (value != null) {
                properties.put(key, value);
            }
        }
        return properties;
    }

    void unregister() {
        registration.unregister();
    }
}
