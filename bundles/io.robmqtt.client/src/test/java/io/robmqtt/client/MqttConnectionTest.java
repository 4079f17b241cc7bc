package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.store.SqliteInflightStore;
import io.robmqtt.store.SqliteOfflineQueue;
import io.robmqtt.store.SqliteReceivedStore;
import io.robmqtt.store.SqliteStore;
import io.robmqtt.store.StoreConfig;
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
                "", 0.01, 0.05, 60, 5, false, "", new byte[0], 0, false, 10, 30.0, 0, 0, 1000, 0);
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

    private static void awaitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
