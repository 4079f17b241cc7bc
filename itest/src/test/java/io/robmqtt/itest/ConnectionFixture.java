package io.robmqtt.itest;

import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.UUID;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/** A robmqtt connection made the way an operator makes one: a factory configuration in ConfigAdmin. */
final class ConnectionFixture implements AutoCloseable {
    static final String FACTORY_PID = "io.robmqtt.connection";
    private static final long TIMEOUT_MS = 30_000;

    final String name = "itest-" + UUID.randomUUID().toString().substring(0, 8);
    final String clientId = "robmqtt-" + name;
    private final BundleContext context;
    private final Configuration configuration;
    private final ServiceTracker<MqttPublisher, MqttPublisher> tracker;

    ConnectionFixture(BundleContext context, ConfigurationAdmin cm, Dictionary<String, Object> properties)
            throws IOException, InvalidSyntaxException {
        this.context = context;
        Dictionary<String, Object> all = new Hashtable<>();
        all.put("connection.name", name);
        all.put("client.id", clientId);
        all.put("min.backoff", 0.1);
        all.put("max.backoff", 1.0);
        all.put("keepalive", 2);
        for (var keys = properties.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            all.put(key, properties.get(key));
        }
        configuration = cm.getFactoryConfiguration(FACTORY_PID, name, "?");
        tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter(
                "(&(objectClass=" + MqttPublisher.class.getName() + ")(connection.name=" + name + "))"), null);
        tracker.open();
        configuration.update(all);
    }

    static Dictionary<String, Object> properties(Object... keysAndValues) {
        Dictionary<String, Object> properties = new Hashtable<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    MqttPublisher publisher() throws InterruptedException {
        MqttPublisher publisher = tracker.waitForService(TIMEOUT_MS);
        if (publisher == null) {
            throw new AssertionError("no MqttPublisher with connection.name=" + name + " within " + TIMEOUT_MS + " ms");
        }
        return publisher;
    }

    ServiceReference<MqttPublisher> reference() {
        return tracker.getServiceReference();
    }

    Configuration configuration() {
        return configuration;
    }

    void update(Object... keysAndValues) throws IOException {
        Dictionary<String, Object> next = configuration.getProperties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            next.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        configuration.update(next);
    }

    void awaitConnected() throws InterruptedException {
        MqttPublisher publisher = publisher();
        Await.until(name + " is connected", java.time.Duration.ofSeconds(30), () -> publisher.statistics().connected());
    }

    @Override
    public void close() throws IOException {
        configuration.delete();
        tracker.close();
    }
}
