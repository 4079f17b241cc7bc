package io.robmqtt.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A plain Paho subscriber connected straight to a broker: the receiving end the tests count. */
public final class Subscriber implements AutoCloseable {
    private final MqttClient client;
    private final String filter;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Connects and subscribes before returning, so that nothing published afterwards is missed. */
    public Subscriber(String brokerUri, String filter) throws MqttException {
        this.filter = filter;
        client = new MqttClient(brokerUri, "test-sub-" + System.nanoTime(), new MemoryPersistence());
        connectFirstTime();
    }

    /**
     * Connects, trying again for up to 10 s when the broker drops the connection while it is made: a freshly
     * started Moquette sometimes closes its first clients' connections (Paho reason 32109) a moment after accepting.
     */
    private void connectFirstTime() throws MqttException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                connect();
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_CONNECTION_LOST || System.nanoTime() > deadline) {
                    throw e;
                }
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1_000);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // a pause between tries
            }
        }
    }

    public void connect() throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        client.connect(options);
        client.subscribe(filter, 1, (topic, message) -> {
            String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
            received.add(payload);
            counts.computeIfAbsent(payload, p -> new AtomicInteger()).incrementAndGet();
        });
    }

    /** Publishes from this plain client, as another device or the cloud would. */
    public void publish(String topic, String payload, int qos) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false);
    }

    /** Payloads in arrival order, duplicates included. */
    public List<String> received() {
        return received;
    }

    public int distinct() {
        return counts.size();
    }

    public long duplicates() {
        return counts.values().stream().mapToInt(AtomicInteger::get).filter(n -> n > 1).mapToLong(n -> n - 1).sum();
    }

    public boolean has(String payload) {
        return counts.containsKey(payload);
    }

    public boolean hasAll(java.util.Collection<String> payloads) {
        return counts.keySet().containsAll(payloads);
    }

    public void awaitAll(java.util.Collection<String> payloads, Duration timeout) {
        Await.until("the subscriber received all " + payloads.size() + " messages (has " + distinct() + ")",
                timeout, () -> hasAll(payloads));
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
