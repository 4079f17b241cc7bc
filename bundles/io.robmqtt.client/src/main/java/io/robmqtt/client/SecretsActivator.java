package io.robmqtt.client;

import io.robmqtt.api.SecretDecoder;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Registers {@link Secrets} as this bundle starts. A bundle activator runs before Declarative Services reads the
 * bundle's components and their configurations, so no connection configuration reaches a component before the
 * plugin can replace its secrets: a component of its own would be registered too late, and making Configuration
 * Admin wait for it would stop every configured component whenever this bundle is updated.
 */
public class SecretsActivator implements BundleActivator {
    private ServiceTracker<SecretDecoder, SecretDecoder> decoders;
    private ServiceRegistration<?> registration;

    @Override
    public void start(BundleContext context) {
        decoders = new ServiceTracker<>(context, SecretDecoder.class, null);
        decoders.open();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ConfigurationPlugin.CM_RANKING, Secrets.RANKING);
        properties.put("config.plugin.id", Secrets.PLUGIN_ID);
        ServiceTracker<SecretDecoder, SecretDecoder> tracker = decoders;
        registration = context.registerService(new String[] {ConfigurationPlugin.class.getName(),
            Secrets.class.getName()}, new Secrets(tracker::getService), properties);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
        decoders.close();
    }
}
