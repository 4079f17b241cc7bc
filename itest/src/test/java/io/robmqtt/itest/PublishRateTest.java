package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * max.publish.rate as a cloud broker's quota sees it: a backlog drains at the configured rate, measured at a
 * subscriber, a configuration update changes the rate while it drains, and nothing is lost.
 */
class PublishRateTest {
    private static final int BACKLOG = 4_000;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    private final String topic = "itest/rate-" + UUID.randomUUID();
    private Subscriber subscriber;
    private ConnectionFixture connection;

    @BeforeEach
    void start() throws Exception {
        StoreFixture.configure(cm, properties("max.queue.size", 100_000)); // the backlog fits
        subscriber = new Subscriber(broker.uri(), topic + "/#");
        connection = new ConnectionFixture(context, cm, properties("broker.uris", new String[] {broker.uri()},
                "max.publish.rate", 200.0, "max.publish.burst", 20));
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        subscriber.close();
        StoreFixture.configure(cm, properties());
    }

    /** Messages per second arriving at the subscriber over {@code window}. */
    private double measure(Duration window) {
        int before = subscriber.received().size();
        long start = System.nanoTime();
        long end = start + window.toNanos();
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the measuring window, not a synchronisation
        }
        return (subscriber.received().size() - before) * 1e9 / (System.nanoTime() - start);
    }

    @Test
    void aBacklogDrainsAtTheConfiguredRateWhichAnUpdateChangesAndNothingIsLost() throws Exception {
        MqttPublisher mqtt = connection.publisher();
        connection.awaitConnected();
        List<CompletableFuture<?>> accepted = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < BACKLOG; i++) {
            String payload = "m" + i;
            payloads.add(payload);
            accepted.add(mqtt.publishAsync(topic + "/t", payload.getBytes(StandardCharsets.UTF_8), 1, false, 5)
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        Await.until("the drain has started", Duration.ofSeconds(20), () -> subscriber.received().size() > 100);

        double at200 = measure(Duration.ofSeconds(10));
        System.out.printf("publish rate: %.1f msg/s at the subscriber over 10 s with max.publish.rate 200%n", at200);
        assertThat(at200).as("messages per second with max.publish.rate 200").isBetween(180.0, 220.0);

        connection.update("max.publish.rate", 500.0);
        Await.until("the update raised the rate", Duration.ofSeconds(5), () -> measure(Duration.ofSeconds(1)) > 400);

        subscriber.awaitAll(payloads, Duration.ofSeconds(60));
        assertThat(subscriber.distinct()).isEqualTo(BACKLOG);
        assertThat(mqtt.statistics().throttledSeconds()).as("time the rate held the drain back").isGreaterThan(5);
    }
}
