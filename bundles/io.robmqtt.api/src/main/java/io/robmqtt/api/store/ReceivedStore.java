package io.robmqtt.api.store;

import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable record of QoS 2 messages a connection received and answered with PUBREC, kept until the broker
 * releases them (PUBREL) and they are handed to a listener. MQTT delivers such a message to the application only
 * on its release, so without this record a message received before a kill of the JVM and released after the
 * restart would be answered as already delivered, and lost.
 *
 * <p>Records belong to one MQTT session: a client id at a broker. A connection that opens another session (a new
 * client id, another broker, or a clean session) starts without records.
 */
@ProviderType
public interface ReceivedStore {

    /**
     * A received message as the MQTT client library keeps it.
     *
     * @param key the library's key for it (it names the packet identifier)
     * @param header the packet's fixed and variable header
     * @param payload the packet's payload
     */
    record Received(String key, byte[] header, byte[] payload) {
        /** Copies the arrays. */
        public Received {
            header = header.clone();
            payload = payload.clone();
        }

        /** @return a copy of the header */
        @Override
        public byte[] header() {
            return header.clone();
        }

        /** @return a copy of the payload */
        @Override
        public byte[] payload() {
            return payload.clone();
        }
    }

    /**
     * Opens a connection's session: returns its records, and removes every record of the connection that belongs
     * to another session.
     *
     * @param connection the connection's name
     * @param session the client id and broker
     * @return the records kept for that session
     * @throws io.robmqtt.api.StoreException if the records could not be read
     */
    List<Received> open(String connection, String session);

    /**
     * Records a received message, replacing a record of the same key, and returns once the record is durable:
     * only then may the receipt be acknowledged to the broker.
     *
     * @param connection the connection's name
     * @param session the client id and broker
     * @param message the message
     * @throws io.robmqtt.api.StoreException if the record could not be written
     */
    void put(String connection, String session, Received message);

    /**
     * Removes a record without waiting. A removal lost with the process leaves a record that the broker no
     * longer refers to: it is replaced when the packet identifier is used again, and never delivered.
     *
     * @param connection the connection's name
     * @param key the record's key
     * @return a stage completing when the removal is durable
     */
    CompletionStage<Void> removeAsync(String connection, String key);

    /**
     * Removes every record of a connection (it starts a clean session).
     *
     * @param connection the connection's name
     */
    void clear(String connection);
}
