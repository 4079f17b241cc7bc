package io.robmqtt.client;

import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttPersistable;

/**
 * Paho's persistence for one connection, shared by the fresh Paho client of each session. It keeps the QoS 2
 * messages Paho received and answered with PUBREC (its {@code r-} keys) from one session to the next, so that a
 * PUBREL the broker repeats after a reconnect finds its message and delivers it, instead of being answered with
 * PUBCOMP for a message nobody saw. Everything else Paho persists is forgotten at each new session: robmqtt's own
 * store re-sends what it publishes. A new client id, or a clean session (Paho clears its persistence), starts
 * empty. In memory: a QoS 2 message between PUBREC and PUBREL is still lost with the JVM.
 */
final class ReceivedQos2 implements MqttClientPersistence {
    private static final String RECEIVED = "r-";

    private final Map<String, MqttPersistable> received = new ConcurrentHashMap<>();
    private final Map<String, MqttPersistable> session = new ConcurrentHashMap<>();
    /** The client id and broker the kept messages belong to. */
    private volatile String owner;

    @Override
    public void open(String clientId, String serverUri) {
        session.clear();
        String next = clientId + " at " + serverUri;
        if (!next.equals(owner)) {
            received.clear(); // another client's session, or another broker's
            owner = next;
        }
    }

    @Override
    public void close() {
        // what was received stays for the next session's client
    }

    @Override
    public void put(String key, MqttPersistable persistable) {
        (key.startsWith(RECEIVED) ? received : session).put(key, persistable);
    }

    @Override
    public MqttPersistable get(String key) {
        MqttPersistable persistable = received.get(key);
        return persistable != null ? persistable : session.get(key);
    }

    @Override
    public void remove(String key) {
        received.remove(key);
        session.remove(key);
    }

    @Override
    public Enumeration<String> keys() {
        Set<String> keys = new HashSet<>(received.keySet());
        keys.addAll(session.keySet());
        return Collections.enumeration(keys);
    }

    @Override
    public void clear() {
        received.clear();
        session.clear();
    }

    @Override
    public boolean containsKey(String key) {
        return received.containsKey(key) || session.containsKey(key);
    }
}
