package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.store.SqliteReceivedStore;
import io.robmqtt.store.SqliteStore;
import io.robmqtt.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import org.eclipse.paho.client.mqttv3.MqttPersistable;
import org.eclipse.paho.client.mqttv3.MqttPersistenceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/**
 * What Paho's persistence keeps from one session's client to the next, and across a restart of the JVM (a new
 * store on the same file): received QoS 2 messages, nothing else.
 */
class ReceivedQos2Test {
    @TempDir
    Path dir;

    private SqliteStore store;
    private ReceivedQos2 persistence;

    @BeforeEach
    void open() {
        StoreConfig config = Converters.standardConverter()
                .convert(Map.of("db.path", dir.resolve("received.db").toString())).to(StoreConfig.class);
        store = new SqliteStore(config);
        persistence = new ReceivedQos2(new SqliteReceivedStore(store), "main");
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A persistable as Paho hands it over: the bytes it means are a slice of a larger array. */
    private static MqttPersistable data(String header, String payload) {
        byte[] h = ("xx" + header).getBytes(StandardCharsets.UTF_8);
        byte[] p = ("yyy" + payload + "z").getBytes(StandardCharsets.UTF_8);
        return new MqttPersistable() {
            @Override public byte[] getHeaderBytes() { return h; }
            @Override public int getHeaderLength() { return header.length(); }
            @Override public int getHeaderOffset() { return 2; }
            @Override public byte[] getPayloadBytes() { return p; }
            @Override public int getPayloadLength() { return payload.length(); }
            @Override public int getPayloadOffset() { return 3; }
        };
    }

    private static String header(MqttPersistable persistable) throws MqttPersistenceException {
        return new String(persistable.getHeaderBytes(), persistable.getHeaderOffset(), persistable.getHeaderLength(),
                StandardCharsets.UTF_8);
    }

    private static String payload(MqttPersistable persistable) throws MqttPersistenceException {
        return new String(persistable.getPayloadBytes(), persistable.getPayloadOffset(),
                persistable.getPayloadLength(), StandardCharsets.UTF_8);
    }

    @Test
    void aReceivedQos2MessageOutlivesItsSessionsClientAndSentStateDoesNot() throws MqttPersistenceException {
        persistence.open("gw-1", "tcp://broker:1883");
        persistence.put("r-7", data("h7", "p7")); // PUBREC sent, PUBREL not yet received
        persistence.put("s-3", data("s", "")); // a message Paho sent: robmqtt re-sends its own
        persistence.close(); // the link failed: this session's client is closed

        persistence.open("gw-1", "tcp://broker:1883"); // the next session's client restores from here
        assertThat(Collections.list(persistence.keys())).containsExactly("r-7");
        assertThat(header(persistence.get("r-7"))).isEqualTo("h7");
        persistence.remove("r-7"); // PUBCOMP sent
        assertThat(persistence.containsKey("r-7")).isFalse();
    }

    @Test
    void aReceivedQos2MessageOutlivesTheJvm() throws MqttPersistenceException {
        persistence.open("gw-1", "tcp://broker:1883");
        persistence.put("r-7", data("h7", "p7"));
        persistence.put("r-8", data("h8", "p8"));
        persistence.remove("r-8");
        close(); // the JVM dies; the file stays
        open();

        persistence.open("gw-1", "tcp://broker:1883");
        assertThat(Collections.list(persistence.keys())).containsExactly("r-7");
        assertThat(header(persistence.get("r-7"))).isEqualTo("h7");
        assertThat(payload(persistence.get("r-7"))).isEqualTo("p7");
    }

    @Test
    void anotherClientIdOrACleanSessionStartsEmptyAlsoAfterARestart() throws MqttPersistenceException {
        persistence.open("gw-1", "tcp://broker:1883");
        persistence.put("r-1", data("r", "1"));
        persistence.open("gw-2", "tcp://broker:1883");
        assertThat(persistence.keys().hasMoreElements()).isFalse();
        persistence.put("r-2", data("r", "2"));
        persistence.clear(); // what Paho does at a clean session's connect
        close();
        open();
        persistence.open("gw-2", "tcp://broker:1883");
        assertThat(persistence.keys().hasMoreElements()).isFalse();
        persistence.open("gw-1", "tcp://broker:1883");
        assertThat(persistence.keys().hasMoreElements()).isFalse();
    }
}
