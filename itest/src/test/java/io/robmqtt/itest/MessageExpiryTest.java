package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.MessageExpiredException;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Messages that wait longer than their expiry, the connection's or their own, are never sent: removed while the
 * broker is away, their deliveries completed with {@link MessageExpiredException}, counted; also when robmqtt
 * restarts in between. The store's clock rule (jumps of the system clock) is tested with an injected clock in the
 * store's unit tests.
 */
class MessageExpiryTest {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    private final String topic = "itest/expiry-" + UUID.randomUUID();
    private Subscriber subscriber;
    private ConnectionFixture connection;

    @BeforeEach
    void start() throws Exception {
        StoreFixture.configure(cm, properties());
        subscriber = new Subscriber(broker.uri(), topic + "/#");
        broker.link().refuse(true); // the broker is away
        connection = new ConnectionFixture(context, cm, properties("broker.uris", new String[] {broker.link().uri()},
                "message.expiry.seconds", 2.0, "min.backoff", 0.1, "max.backoff", 0.5));
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        subscriber.close();
    }

    private CompletableFuture<Void> publish(MqttPublisher mqtt, String name, Duration expiry) {
        Delivery delivery = mqtt.publish(topic + "/" + name, name.getBytes(StandardCharsets.UTF_8), 1, false, 1,
                expiry);
        return delivery.completion().toCompletableFuture();
    }

    private static Throwable failure(CompletableFuture<Void> completion) {
        try {
            completion.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
    @Test
    void messagesPastTheConnectionsOrTheirOwnExpiryAreNeverSentAndTheirDeliveriesSaySo() throws Exception {
        MqttPublisher mqtt = connection.publisher();
        List<CompletableFuture<Void>> old = List.of(publish(mqtt, "old-1", Duration.ZERO),
                publish(mqtt, "old-2", Duration.ZERO));
        CompletableFuture<Void> command = publish(mqtt, "command", Duration.ofSeconds(1));
        CompletableFuture<Void> kept = publish(mqtt, "kept", Duration.ofHours(1));

        Await.until("the three expired messages are removed", Duration.ofSeconds(20),
                () -> mqtt.statistics().expired() == 3, () -> "expired " + mqtt.statistics().expired());
        for (CompletableFuture<Void> expired : List.of(old.get(0), old.get(1), command)) {
            assertThat(failure(expired)).isInstanceOf(MessageExpiredException.class)
                    .hasMessageContaining("waited longer than its expiry");
        }
        assertThat(mqtt.statistics().dropped()).containsEntry("expired", 3L);
        HttpFixture.start(cm);
        assertThat(new PrometheusText(HttpFixture.get("/metrics").body()).samples).as("/metrics")
                .containsEntry("robmqtt_dropped_total{connection=\"" + connection.name + "\",reason=\"expired\"}", 3.0);
        assertThat(mqtt.statistics().offlineQueue().totalMessages()).isEqualTo(1);
        assertThat(kept).isNotDone();

        connection.update("message.expiry.seconds", 0.0); // applies at once: nothing expires any more
        publish(mqtt, "fresh", Duration.ZERO);
        broker.link().refuse(false);
        subscriber.awaitAll(List.of("kept", "fresh"), Duration.ofSeconds(20));
        kept.join();
        Await.holds("nothing expired is sent", Duration.ofSeconds(1),
                () -> subscriber.received().stream().noneMatch(p -> p.startsWith("old") || p.equals("command")));
        assertThat(mqtt.statistics().expired()).isEqualTo(3);
    }

    @Test
    void expiryCountsFromAcceptanceAcrossARestartOfRobmqtt() throws Exception {
        MqttPublisher mqtt = connection.publisher();
        publish(mqtt, "before-restart", Duration.ZERO);
        publish(mqtt, "kept", Duration.ofHours(1));
        Bundles.client(context).stop(); // robmqtt goes down with the messages queued; their handles go with it
        Bundles.client(context).start();

        MqttPublisher restarted = connection.publisher();
        Await.until("the message accepted before the restart expires after it", Duration.ofSeconds(20),
                () -> restarted.statistics().expired() == 1, () -> "expired " + restarted.statistics().expired());
        broker.link().refuse(false);
        subscriber.awaitAll(List.of("kept"), Duration.ofSeconds(20));
        Await.holds("the expired message is not sent", Duration.ofSeconds(1),
                () -> !subscriber.has("before-restart"));
    }
}
