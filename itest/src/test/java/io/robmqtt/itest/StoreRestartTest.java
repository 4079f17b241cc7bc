package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.InflightStore;
import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.api.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** Messages stored through the services come back, in order, after the store bundle is stopped and started. */
class StoreRestartTest {
    private static final long TIMEOUT_MS = 20_000;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = TIMEOUT_MS)
    ConfigurationAdmin cm;

    @InjectService(cardinality = 0)
    ServiceAware<OfflineQueue> queues;

    @InjectService(cardinality = 0)
    ServiceAware<InflightStore> inflights;

    private final String connection = "restart-" + UUID.randomUUID();

    @BeforeEach
    void configure() throws Exception {
        StoreFixture.configure(cm, new Hashtable<>());
    }

    @Test
    void queuedMessagesComeBackInPriorityThenAcceptanceOrderAfterABundleRestart() throws Exception {
        OfflineQueue queue = queues.waitForService(TIMEOUT_MS);
        List<StoredMessage> accepted = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int priority = 1 + (i * 7) % 10;
            byte[] payload = ("{\"reading\": " + i + "}").getBytes(StandardCharsets.UTF_8);
            accepted.add(queue.enqueue(connection, new OutgoingMessage("sensors/" + i, payload, 1, false, priority))
                    .stored());
        }
        List<StoredMessage> expected = accepted.stream()
                .sorted(Comparator.comparingInt((StoredMessage m) -> -m.message().priority())
                        .thenComparingLong(StoredMessage::sequence))
                .toList();

        restartStoreBundle();

        List<StoredMessage> back = queues.waitForService(TIMEOUT_MS).peek(connection, 1_000);
        assertThat(back).containsExactlyElementsOf(expected);
    }

    @Test
    void inflightRecordsSurviveABundleRestart() throws Exception {
        InflightStore inflight = inflights.waitForService(TIMEOUT_MS);
        StoredMessage first = inflight.add(connection, new OutgoingMessage("a", new byte[] {1}, 1, false, 1));
        StoredMessage second = inflight.add(connection, new OutgoingMessage("b", new byte[] {2}, 2, false, 1));
        inflight.remove(connection, first.sequence());

        restartStoreBundle();

        assertThat(inflights.waitForService(TIMEOUT_MS).list(connection)).containsExactly(second);
    }

    private void restartStoreBundle() throws Exception {
        Bundle store = StoreFixture.storeBundle(context);
        store.stop();
        assertThat(queues.getService()).as("the queue service is gone while its bundle is stopped").isNull();
        store.start();
    }
}
