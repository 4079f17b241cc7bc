package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Every accepted message arrives through link failures and a broker killed with SIGKILL. */
class OutageTest {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 2_500;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private final String topic = "itest/" + UUID.randomUUID();
    private FaultyLink link;

    @BeforeEach
    void start() throws Exception {
        StoreFixture.configure(cm, properties("max.queue.size", 100_000));
        link = broker.link();
    }

    @Test
    void tenThousandMessagesFromFourThreadsArriveThroughADroppedARefusedAndASilentLink() throws Exception {
        try (Subscriber subscriber = new Subscriber(broker.uri(), topic + "/#");
                ConnectionFixture connection = new ConnectionFixture(context, cm,
                        properties("broker.uris", new String[] {link.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            AtomicInteger published = new AtomicInteger();
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            ExecutorService publishers = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(publishers.submit(() -> {
                    for (int i = 0; i < PER_THREAD; i++) {
                        String payload = "t" + thread + "-" + i;
                        mqtt.publish(topic + "/" + thread, payload.getBytes(StandardCharsets.UTF_8), 1);
                        accepted.add(payload);
                        published.incrementAndGet();
                    }
                    return null;
                }));
            }
            try {
                failAt(published, 1_500, mqtt, link::dropAll, "dropped");
                failAt(published, 4_000, mqtt, () -> link.refuse(true), "refused");
                Await.until("two refused attempts", Duration.ofSeconds(20), () -> mqtt.statistics().connectFailures() >= 2);
                link.refuse(false);
                failAt(published, 6_500, mqtt, link::silenceOpenConnections, "silent");
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                publishers.shutdownNow();
            }

            subscriber.awaitAll(accepted, Duration.ofSeconds(120));
            System.out.printf("outage test: %d accepted, %d distinct received, %d duplicates, %d reconnects, %d resent%n",
                    accepted.size(), subscriber.distinct(), subscriber.duplicates(), mqtt.statistics().reconnects(),
                    mqtt.statistics().resent());
            assertThat(accepted).hasSize(THREADS * PER_THREAD);
            assertThat(mqtt.statistics().reconnects()).isGreaterThanOrEqualTo(3);
            Await.until("queue and inflight are empty", Duration.ofSeconds(30), () ->
                    mqtt.statistics().offlineQueue().totalMessages() == 0 && mqtt.statistics().inflightMessages() == 0);
            assertThat(pahoThreads(connection.clientId)).as("Paho receiver threads of this client after 3 failures")
                    .isEqualTo(1);
        }
    }

    /** Waits until {@code count} messages are published on a live connection, then breaks the link. */
    private static void failAt(AtomicInteger published, int count, MqttPublisher mqtt, Runnable fault, String how) {
        Await.until(count + " published and connected before the link is " + how, Duration.ofSeconds(120),
                () -> published.get() >= count && mqtt.statistics().connected());
        fault.run();
    }

    private static long pahoThreads(String clientId) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("MQTT Rec: " + clientId)).count();
    }

    @Test
    void afterTheBrokerIsKilledTheClientReconnectsByItselfAndDeliversWhatItStillHeld() throws Exception {
        try (Subscriber subscriber = new Subscriber(broker.uri(), topic + "/#");
                ConnectionFixture connection = new ConnectionFixture(context, cm,
                        properties("broker.uris", new String[] {link.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
            for (int i = 0; i < 500; i++) {
                deliveries.put("before-" + i, mqtt.publish(topic + "/k", ("before-" + i).getBytes(StandardCharsets.UTF_8), 1));
            }
            link.refuse(true); // keeps the client away until the subscriber is back on the new broker
            broker.kill();
            List<String> stillHeld = deliveries.entrySet().stream()
                    .filter(e -> !e.getValue().completion().toCompletableFuture().isDone()).map(Map.Entry::getKey).toList();
            for (int i = 0; i < 500; i++) {
                deliveries.put("during-" + i, mqtt.publish(topic + "/k", ("during-" + i).getBytes(StandardCharsets.UTF_8), 1));
            }
            Await.until("the client noticed", Duration.ofSeconds(20), () -> !mqtt.statistics().connected());

            broker.startProcess();
            subscriber.connect();
            link.refuse(false);

            List<String> expected = new ArrayList<>(stillHeld);
            for (int i = 0; i < 500; i++) {
                expected.add("during-" + i);
            }
            subscriber.awaitAll(expected, Duration.ofSeconds(60));
            Await.until("every delivery completed", Duration.ofSeconds(30),
                    () -> deliveries.values().stream().allMatch(d -> d.completion().toCompletableFuture().isDone()));
            long lostByBroker = deliveries.keySet().stream()
                    .filter(p -> p.startsWith("before-") && !stillHeld.contains(p) && !subscriber.received().contains(p))
                    .count();
            System.out.printf("broker kill: %d held by the client at the kill, all delivered; %d acknowledged by the "
                    + "killed broker and lost by it (the broker's loss, not the client's)%n", stillHeld.size(), lostByBroker);
            assertThat(mqtt.statistics().connected()).isTrue();
        }
    }
}
