package io.robmqtt.client;

import io.robmqtt.api.ClientStatistics;
import io.robmqtt.api.Delivery;
import io.robmqtt.api.QueueStatistics;
import io.robmqtt.api.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** Gogo shell commands (Felix, Karaf and Kura all have Gogo): {@code robmqtt:status}, {@code robmqtt:queue}, ... */
@Component(service = ShellCommands.class, property = {
    "osgi.command.scope=robmqtt",
    "osgi.command.function=status",
    "osgi.command.function=queue",
    "osgi.command.function=publish",
    "osgi.command.function=connect",
    "osgi.command.function=disconnect"
})
public class ShellCommands {
    private static final int SHOWN = 20;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<ConnectionControl> connections = new CopyOnWriteArrayList<>();

    /** robmqtt:status: every connection's state and counters. */
    public String status() {
        StringBuilder out = new StringBuilder();
        if (connections.isEmpty()) {
            return "no robmqtt connection is configured (factory PID io.robmqtt.connection)";
        }
        for (ConnectionControl c : connections) {
            ClientStatistics s = c.publisher().statistics();
            out.append(String.format("%s (client id %s): %s, backoff %.1f s%n", c.name(), c.clientId(),
                    s.connected() ? "connected to " + c.broker() : "DISCONNECTED", s.currentBackoffSeconds()));
            out.append(String.format("  queued %d (%.1f%% of capacity), inflight %d, subscriptions %d, tls %s%n",
                    s.offlineQueue().totalMessages(), s.offlineQueue().capacityUsedPercent(), s.inflightMessages(),
                    s.activeSubscriptions(), s.tlsEnabled()));
            out.append(String.format("  published %d, acknowledged %d, queued %d, evicted %d, rejected %d, resent %d, "
                    + "reconnects %d, connect failures %d, received %d, listener failures %d%n", s.published(),
                    s.acknowledged(), s.queued(), s.evicted(), s.rejected(), s.resent(), s.reconnects(),
                    s.connectFailures(), s.received(), s.listenerFailures()));
            if (!s.lastConnectError().isEmpty()) {
                out.append("  last connect error: ").append(s.lastConnectError()).append('\n');
            }
            if (!s.certificateWarning().isEmpty()) {
                out.append("  certificate: ").append(s.certificateWarning()).append('\n');
            }
        }
        return out.toString();
    }

    /** robmqtt:queue CONNECTION: the queue by priority, its oldest message's age, and the next messages. */
    public String queue(String connection) {
        ConnectionControl c = find(connection);
        QueueStatistics q = c.publisher().statistics().offlineQueue();
        StringBuilder out = new StringBuilder(String.format("%s: %d messages, %d bytes, by priority %s, oldest %s%n",
                c.name(), q.totalMessages(), q.totalBytes(), q.byPriority(), q.oldestMessageAgeSeconds().isPresent()
                        ? String.format("%.1f s old", q.oldestMessageAgeSeconds().getAsDouble()) : "none"));
        for (StoredMessage m : c.queued(SHOWN)) {
            out.append(String.format("  #%d priority %d qos %d %s (%d bytes)%n", m.sequence(), m.message().priority(),
                    m.message().qos(), m.message().topic(), m.message().payload().length));
        }
        return out.toString();
    }

    /** robmqtt:queue: the queue of the only connection. */
    public String queue() {
        return queue(only().name());
    }

    /** robmqtt:publish CONNECTION TOPIC PAYLOAD QOS PRIORITY: stores and sends a UTF-8 message. */
    public String publish(String connection, String topic, String payload, int qos, int priority) {
        Delivery d = find(connection).publisher().publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false,
                priority);
        return "stored as #" + d.sequence();
    }

    /** robmqtt:publish CONNECTION TOPIC PAYLOAD: QoS 1, priority 1. */
    public String publish(String connection, String topic, String payload) {
        return publish(connection, topic, payload, 1, 1);
    }

    /** robmqtt:connect CONNECTION: connects again after a disconnect. */
    public String connect(String connection) {
        find(connection).connect();
        return connection + ": connecting";
    }

    /** robmqtt:disconnect CONNECTION: a clean disconnect; messages are queued until robmqtt:connect. */
    public String disconnect(String connection) {
        find(connection).disconnect();
        return connection + ": disconnected; publishing goes on into the queue until robmqtt:connect";
    }

    private ConnectionControl find(String name) {
        return connections.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no connection named '" + name + "'; there are: "
                        + connections.stream().map(ConnectionControl::name).toList()));
    }

    private ConnectionControl only() {
        if (connections.size() != 1) {
            throw new IllegalArgumentException("there are " + connections.size() + " connections: name one");
        }
        return connections.get(0);
    }
}
