package io.robmqtt.e2e;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A plain Paho subscriber connected straight to one broker: the receiving end the test counts. */
final class Subscriber implements AutoCloseable {
    private final MqttClient client;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Connects and subscribes before returning, so that nothing published afterwards is missed. */
    Subscriber(String brokerUri, String filter) throws MqttException {
        client = new MqttClient(brokerUri, "e2e-sub-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        client.connect(options);
        client.subscribe(filter, 1, (topic, message) -> {
            String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
            received.add(payload);
            counts.computeIfAbsent(payload, p -> new AtomicInteger()).incrementAndGet();
        }); // MqttClient.subscribe returns once the broker acknowledged the subscription
    }

    /** Payloads in arrival order, duplicates included. */
    List<String> received() {
        return received;
    }

    boolean has(String payload) {
        return counts.containsKey(payload);
    }

    long duplicates() {
        return counts.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).mapToLong(n -> n - 1).sum();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
