package io.robmqtt.client;

import io.robmqtt.api.store.ReceivedStore.Received;
import io.robmqtt.api.store.ReceivedStore;
import io.robmqtt.common.LogValue;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttPersistable;
import org.eclipse.paho.client.mqttv3.MqttPersistenceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paho's persistence for one session of a connection (each session's fresh Paho client has its own). The QoS 2
 * messages Paho received and answered with PUBREC (its {@code r-} keys) are written durably to the {@link
 * ReceivedStore} before Paho sends the PUBREC, and read back when the next session's client opens: a PUBREL the
 * broker repeats after a reconnect or a restart finds its message and delivers it, instead of being answered with
 * PUBCOMP for a message nobody saw. Everything else Paho persists is kept in memory for one session: robmqtt's own
 * store re-sends what it publishes. Paho opens it with the first URI of broker.uris whichever broker a session
 * runs on, so the records belong to the client id and that list; another client id or first broker, or a clean
 * session (Paho clears its persistence), starts empty. One object per session, because a fail-back probe runs
 * beside the live session.
 */
final class ReceivedQos2 implements MqttClientPersistence {
    private static final Logger LOG = LoggerFactory.getLogger(ReceivedQos2.class);
    private static final String RECEIVED = "r-";

    private final ReceivedStore store;
    private final String connection;
    private final Map<String, MqttPersistable> received = new ConcurrentHashMap<>();
    private final Map<String, MqttPersistable> session = new ConcurrentHashMap<>();
    /** The client id and broker of the open session. */
    private volatile String owner;

    ReceivedQos2(ReceivedStore store, String connection) {
        this.store = store;
        this.connection = connection;
    }

    @Override
    public void open(String clientId, String serverUri) throws MqttPersistenceException {
        session.clear();
        received.clear();
        owner = clientId + " at " + serverUri;
        try {
            for (Received r : store.open(connection, owner)) {
                received.put(r.key(), new Kept(r.header(), r.payload()));
            }
        } catch (RuntimeException e) {
            throw failure("read the received QoS 2 messages", e);
        }
    }

    @Override
    public void close() {
        // what was received stays for the next session's client
    }

    @Override
    public void put(String key, MqttPersistable persistable) throws MqttPersistenceException {
        if (!key.startsWith(RECEIVED)) {
            session.put(key, persistable);
            return;
        }
        Kept kept = new Kept(
                slice(persistable.getHeaderBytes(), persistable.getHeaderOffset(), persistable.getHeaderLength()),
                slice(persistable.getPayloadBytes(), persistable.getPayloadOffset(), persistable.getPayloadLength()));
        try {
            store.put(connection, owner, new Received(key, kept.header, kept.payload));
        } catch (RuntimeException e) {
            throw failure("store a received QoS 2 message", e); // no PUBREC: the broker sends it again
        }
        received.put(key, kept);
    }

    @Override
    public MqttPersistable get(String key) {
        MqttPersistable persistable = received.get(key);
        return persistable != null ? persistable : session.get(key);
    }

    @Override
    public void remove(String key) {
        if (received.remove(key) != null) {
            store.removeAsync(connection, key).whenComplete((done, e) -> {
                if (e != null) {
                    LOG.warn("event=received_removal_failed connection={} key={} reason={}: the record stays "
                            + "until its packet identifier is used again", LogValue.of(connection), LogValue.of(key),
                            LogValue.of(e.getMessage()));
                }
            });
        }
        session.remove(key);
    }

    @Override
    public Enumeration<String> keys() {
        Set<String> keys = new HashSet<>(received.keySet());
        keys.addAll(session.keySet());
        return Collections.enumeration(keys);
    }

    @Override
    public void clear() throws MqttPersistenceException {
        received.clear();
        session.clear();
        try {
            store.clear(connection);
        } catch (RuntimeException e) {
            throw failure("clear the received QoS 2 messages", e);
        }
    }

    @Override
    public boolean containsKey(String key) {
        return received.containsKey(key) || session.containsKey(key);
    }

    private static byte[] slice(byte[] bytes, int offset, int length) {
        return bytes == null ? new byte[0] : Arrays.copyOfRange(bytes, offset, offset + length);
    }

    private MqttPersistenceException failure(String what, RuntimeException e) {
        MqttPersistenceException failure = new MqttPersistenceException(e);
        LOG.warn("event=received_store_failed connection={} reason={}", LogValue.of(connection),
                LogValue.of("could not " + what + ": " + e.getMessage()));
        return failure;
    }

    /** A received message as Paho persisted it. */
    private record Kept(byte[] header, byte[] payload) implements MqttPersistable {
        @Override public byte[] getHeaderBytes() { return header; }
        @Override public int getHeaderOffset() { return 0; }
        @Override public int getHeaderLength() { return header.length; }
        @Override public byte[] getPayloadBytes() { return payload; }
        @Override public int getPayloadOffset() { return 0; }
        @Override public int getPayloadLength() { return payload.length; }
    }
}
