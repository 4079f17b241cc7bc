package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.store.SqliteInflightStore;
import io.robmqtt.store.SqliteOfflineQueue;
import io.robmqtt.store.SqliteReceivedStore;
import io.robmqtt.store.SqliteStore;
import io.robmqtt.store.StoreConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

/** The reconnect loop never ends: whatever fails in an attempt is a failed attempt, reported and retried. */
class MqttConnectionTest {
    @TempDir
    Path dir;

    /**
     * Settings that passed no validation: a URI with a path, which Paho refuses with an IllegalArgumentException
     * from inside the attempt (the configuration refuses it now, but any unexpected exception takes this way).
     */
    private static ConnectionSettings unvalidated(String uri) {
        return new ConnectionSettings("attempts", "attempts-test", List.of(uri), false, "", "", "", "", true, 30, "",
                "", 0.01, 0.05, 60, 5, false, "", new byte[0], 0, false, 10, 30.0, 0, 0, 1000, 0, 10, 0);
    }

    @Test
    void anExceptionInsideAnAttemptIsAFailedAttemptThatIsReportedAndRetried() {
        StoreConfig config = Converters.standardConverter()
                .convert(Map.of("db.path", dir.resolve("attempts.db").toString())).to(StoreConfig.class);
        SqliteStore store = new SqliteStore(config);
        MqttConnection connection = new MqttConnection(unvalidated("tcp://127.0.0.1:1/path"),
                new SqliteOfflineQueue(store), new SqliteInflightStore(store), new SqliteReceivedStore(store));
        try {
            connection.start();
            awaitUntil(() -> connection.counters().connectFailures.sum() >= 3);
            assertThat(connection.counters().connectFailures.sum()).as("attempts that failed and were retried")
                    .isGreaterThanOrEqualTo(3);
            assertThat(connection.counters().lastConnectError).contains("IllegalArgumentException");
        } finally {
            connection.shutdown();
            store.close();
        }
    }

    /**
     * A broker that accepts the TCP connection and never answers: Paho alone would wait for its CONNACK for ever.
     * The attempt fails after connect.timeout, naming the broker and the setting, and the loop goes on.
     */
    @Test
    void aBrokerThatAcceptsAndStaysSilentFailsTheAttemptAfterTheConnectTimeout() throws Exception {
        StoreConfig config = Converters.standardConverter()
                .convert(Map.of("db.path", dir.resolve("silent.db").toString())).to(StoreConfig.class);
        SqliteStore store = new SqliteStore(config);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String uri = "tcp://127.0.0.1:" + silent.getLocalPort();
            ConnectionSettings settings = new ConnectionSettings("silent", "silent-test", List.of(uri), false, "", "",
                    "", "", true, 30, "", "", 0.01, 0.05, 60, 1, false, "", new byte[0], 0, false, 10, 30.0, 0, 0,
                    1000, 0, 10, 0);
            MqttConnection connection = new MqttConnection(settings, new SqliteOfflineQueue(store),
                    new SqliteInflightStore(store), new SqliteReceivedStore(store));
            try {
                connection.start();
                awaitUntil(() -> connection.counters().connectFailures.sum() >= 2);
                assertThat(connection.counters().connectFailures.sum()).as("silent attempts ended and retried")
                        .isGreaterThanOrEqualTo(2);
                assertThat(connection.counters().lastConnectError)
                        .isEqualTo("no answer (TCP, TLS, CONNACK) from " + uri + " within 1 s (connect.timeout)");
            } finally {
                connection.shutdown();
            }
        } finally {
            store.close();
        }
    }

    private static void awaitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
