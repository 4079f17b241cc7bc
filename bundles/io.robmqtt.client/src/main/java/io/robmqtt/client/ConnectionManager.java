package io.robmqtt.client;

import io.robmqtt.api.ClientStatistics;
import io.robmqtt.api.Delivery;
import io.robmqtt.api.MessageListener;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.Subscription;
import io.robmqtt.api.store.InflightStore;
import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.api.store.ReceivedStore;
import io.robmqtt.common.LogValue;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConnectionManager: one per {@value ConnectionConfig#FACTORY_PID} configuration. Registers the connection's
 * {@link MqttPublisher} itself, with only the properties consumers need ({@code connection.name},
 * {@code client.id}): DS would copy every configuration property, the password included, onto the service.
 * A configuration update applies without unregistering the service; an invalid one is refused and the
 * connection goes on as it was.
 */
@Component(name = ConnectionConfig.FACTORY_PID, service = {}, configurationPid = ConnectionConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = "webconsole.configurationFactory.nameHint={connection.name} ({client.id})")
@Designate(ocd = ConnectionConfig.class, factory = true)
public class ConnectionManager implements MqttPublisher, ConnectionControl {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionManager.class);

    private final MqttConnection connection;
    private final ListenerWhiteboard whiteboard;
    private final ServiceRegistration<?> registration;

    @Activate
    public ConnectionManager(@Reference OfflineQueue queue, @Reference InflightStore inflight,
            @Reference ReceivedStore received, @Reference Secrets secrets, @Reference ConnectionExecutors executors,
            BundleContext context,
            Map<String, Object> properties) {
        ConnectionSettings settings;
        try {
            settings = ConnectionSettings.from(properties, System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error("event=config_refused pid={} reason={}", LogValue.of(properties.get("service.pid")),
                    LogValue.of(e.getMessage()));
            throw e;
        }
        connection = new MqttConnection(settings, queue, inflight, received, secrets, executors);
        whiteboard = new ListenerWhiteboard(connection.subscriptions());
        connection.start();
        registration = context.registerService(new String[] {MqttPublisher.class.getName(),
            ConnectionControl.class.getName()}, this, serviceProperties(settings));
        LOG.info("event=connection_started settings={}", LogValue.of(settings));
    }

    @Modified
    void modified(Map<String, Object> properties) {
        ConnectionSettings next;
        try {
            next = ConnectionSettings.from(properties, System.getenv());
        } catch (IllegalArgumentException e) {
            LOG.error("event=config_refused connection={} reason={}: the connection keeps its previous settings",
                    LogValue.of(connection.name()), LogValue.of(e.getMessage()));
            return;
        }
        connection.reconfigure(next).join();
        registration.setProperties(serviceProperties(next));
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        connection.shutdown();
    }

    private static Dictionary<String, Object> serviceProperties(ConnectionSettings settings) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(MqttPublisher.CONNECTION_NAME, settings.connectionName());
        properties.put("client.id", settings.clientId());
        return properties;
    }

    @Override
    public Delivery publish(String topic, byte[] payload, int qos, boolean retain, int priority, Duration expiry) {
        return connection.publish(new OutgoingMessage(topic, payload, qos, retain, priority, expiry));
    }

    @Override
    public CompletionStage<Delivery> publishAsync(String topic, byte[] payload, int qos, boolean retain,
            int priority, Duration expiry) {
        return connection.publishAsync(new OutgoingMessage(topic, payload, qos, retain, priority, expiry));
    }

    @Override
    public ClientStatistics statistics() {
        String name = connection.name();
        return StatisticsSnapshot.of(connection.connected(), connection.currentBackoffSeconds(),
                connection.queue().statistics(name), connection.inflight().count(name),
                connection.settings().useTls(), connection.subscriptions().active(), connection.counters(),
                connection.throttledSeconds());
    }

    @Override
    public Subscription subscribe(String filter, MessageListener listener, int qos) {
        return connection.subscriptions().add(filter, listener, qos);
    }

    /** The whiteboard: a MessageListener service with a topic-filter property is subscribed while it is registered. */
    @Reference(service = MessageListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, target = "(" + MessageListener.FILTER + "=*)")
    void addListener(MessageListener listener, Map<String, Object> properties) {
        whiteboard.add(listener, properties, connection.name());
    }

    void updatedListener(MessageListener listener, Map<String, Object> properties) {
        whiteboard.remove(listener);
        whiteboard.add(listener, properties, connection.name());
    }

    void removeListener(MessageListener listener) {
        whiteboard.remove(listener);
    }

    @Override
    public String name() {
        return connection.name();
    }

    @Override
    public String clientId() {
        return connection.settings().clientId();
    }

    @Override
    public String broker() {
        return connection.broker();
    }

    @Override
    public MqttPublisher publisher() {
        return this;
    }

    @Override
    public void disconnect() {
        connection.stop().join();
    }

    @Override
    public void connect() {
        connection.start();
    }

    @Override
    public java.util.List<io.robmqtt.api.store.StoredMessage> queued(int limit) {
        return connection.queue().peek(connection.name(), limit);
    }
}
