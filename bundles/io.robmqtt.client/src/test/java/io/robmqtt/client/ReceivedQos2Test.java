package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import org.eclipse.paho.client.mqttv3.MqttPersistable;
import org.eclipse.paho.client.mqttv3.MqttPersistenceException;
import org.junit.jupiter.api.Test;

/** What Paho's persistence keeps from one session's client to the next: received QoS 2 messages, nothing else. */
class ReceivedQos2Test {
    private final ReceivedQos2 persistence = new ReceivedQos2();

    private static MqttPersistable data(String name) {
        return new MqttPersistable() {
            @Override public byte[] getHeaderBytes() { return name.getBytes(); }
            @Override public int getHeaderLength() { return name.length(); }
            @Override public int getHeaderOffset() { return 0; }
            @Override public byte[] getPayloadBytes() { return new byte[0]; }
            @Override public int getPayloadLength() { return 0; }
            @Override public int getPayloadOffset() { return 0; }
        };
    }

    @Test
    void aReceivedQos2MessageOutlivesItsSessionsClientAndSentStateDoesNot() throws MqttPersistenceException {
        persistence.open("gw-1", "tcp://broker:1883");
        MqttPersistable received = data("r");
        persistence.put("r-7", received); // PUBREC sent, PUBREL not yet received
        persistence.put("s-3", data("s")); // a message Paho sent: robmqtt re-sends its own
        persistence.close(); // the link failed: this session's client is closed

        persistence.open("gw-1", "tcp://broker:1883"); // the next session's client restores from here
        assertThat(Collections.list(persistence.keys())).containsExactly("r-7");
        assertThat(persistence.get("r-7")).isSameAs(received);
        persistence.remove("r-7"); // PUBCOMP sent
        assertThat(persistence.containsKey("r-7")).isFalse();
    }

    @Test
    void anotherClientIdOrACleanSessionStartsEmpty() throws MqttPersistenceException {
        persistence.open("gw-1", "tcp://broker:1883");
        persistence.put("r-1", data("r"));
        persistence.open("gw-2", "tcp://broker:1883");
        assertThat(persistence.keys().hasMoreElements()).isFalse();
        persistence.put("r-2", data("r"));
        persistence.clear(); // what Paho does at a clean session's connect
        persistence.open("gw-2", "tcp://broker:1883");
        assertThat(persistence.keys().hasMoreElements()).isFalse();
    }
}
