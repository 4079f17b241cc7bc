package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.MessageEvictedException;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Delivery through a real TestBroker: first connect, outages, order, clean disconnects. */
class DeliveryTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private final String topic = "itest/" + UUID.randomUUID();
    private FaultyLink link;
    private Subscriber subscriber;

    @BeforeEach
    void start() throws Exception {
        StoreFixture.configure(cm, new java.util.Hashtable<>());
        link = broker.link();
        subscriber = new Subscriber(broker.uri(), topic + "/#");
    }

    @AfterEach
    void stop() throws Exception {
        subscriber.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFailedFirstConnectIsRetriedAndWhatWasQueuedMeanwhileIsDelivered() throws Exception {
        link.refuse(true);
        try (ConnectionFixture connection = new ConnectionFixture(context, cm, properties("broker.uris",
                new String[] {link.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            Delivery first = mqtt.publish(topic + "/a", utf8("queued-1"), 1);
            mqtt.publish(topic + "/a", utf8("queued-2"), 1);
            Await.until("two attempts were refused", Duration.ofSeconds(20), () -> link.attempts().size() >= 2);
            Await.until("two failures are counted", Duration.ofSeconds(20),
                    () -> mqtt.statistics().connectFailures() >= 2);
            assertThat(mqtt.statistics().connected()).isFalse();
            assertThat(mqtt.statistics().offlineQueue().totalMessages()).isEqualTo(2);
            assertThat(mqtt.statistics().lastConnectError()).isNotEmpty();
            assertThat(first.completion().toCompletableFuture()).isNotDone();

            link.refuse(false);

            subscriber.awaitAll(List.of("queued-1", "queued-2"), Duration.ofSeconds(30));
            Await.until("the first delivery completes", Duration.ofSeconds(10),
                    () -> first.completion().toCompletableFuture().isDone());
            assertThat(first.completion().toCompletableFuture()).isCompleted();
        }
    }

    @Test
    void afterAnOutageTheQueueIsDeliveredHighestPriorityFirstThenInAcceptanceOrder() throws Exception {
        try (ConnectionFixture connection = new ConnectionFixture(context, cm, properties("broker.uris",
                new String[] {link.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            link.refuse(true);
            Await.until("the connection noticed the outage", Duration.ofSeconds(20),
                    () -> !mqtt.statistics().connected());

            record Sent(String payload, int priority, int order) {}
            List<Sent> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int priority = 1 + (i * 3) % 10;
                String payload = "p" + priority + "-n" + i;
                mqtt.publish(topic + "/order", utf8(payload), 1, false, priority);
                sent.add(new Sent(payload, priority, i));
            }
            link.refuse(false);

            List<String> expected = sent.stream()
                    .sorted(Comparator.comparingInt((Sent s) -> -s.priority()).thenComparingInt(Sent::order))
                    .map(Sent::payload).toList();
            subscriber.awaitAll(expected, Duration.ofSeconds(30));
            assertThat(subscriber.received()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void anEvictedMessagesDeliveryCompletesExceptionallyAndTheAlarmGetsThrough() throws Exception {
        StoreFixture.configure(cm, new java.util.Hashtable<>(java.util.Map.of("max.queue.size", 2)));
        link.refuse(true);
        try (ConnectionFixture connection = new ConnectionFixture(context, cm, properties("broker.uris",
                new String[] {link.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            Delivery routine = mqtt.publish(topic + "/e", utf8("routine-1"), 1, false, 1);
            mqtt.publish(topic + "/e", utf8("routine-2"), 1, false, 1);
            assertThatThrownBy(() -> mqtt.publish(topic + "/e", utf8("routine-3"), 1, false, 1))
                    .isInstanceOf(QueueFullException.class);

            mqtt.publish(topic + "/e", utf8("alarm"), 1, false, 10);

            assertThat(routine.completion().toCompletableFuture()).isCompletedExceptionally();
            assertThatThrownBy(() -> routine.completion().toCompletableFuture().join())
                    .hasCauseInstanceOf(MessageEvictedException.class);
            assertThat(mqtt.statistics().evicted()).isEqualTo(1);
            assertThat(mqtt.statistics().rejected()).isEqualTo(1);
            link.refuse(false);
            subscriber.awaitAll(List.of("alarm", "routine-2"), Duration.ofSeconds(30));
            assertThat(subscriber.received()).containsExactly("alarm", "routine-2");
        } finally {
            StoreFixture.configure(cm, new java.util.Hashtable<>());
        }
    }

    @Test
    void aCleanDisconnectIsNotFollowedByAReconnect() throws Exception {
        ConnectionFixture connection = new ConnectionFixture(context, cm, properties("broker.uris",
                new String[] {link.uri()}));
        connection.awaitConnected();
        int attemptsBefore = link.attempts().size();

        connection.close(); // deleting the configuration deactivates the component: a clean disconnect

        Await.until("the publisher is gone", Duration.ofSeconds(20), () -> connection.reference() == null);
        Await.holds("no reconnect attempt within 3 s (min.backoff is 0.1 s)", Duration.ofSeconds(3),
                () -> link.attempts().size() == attemptsBefore);
    }

    @Test
    void anInvalidUpdateIsRefusedAndTheConnectionGoesOnWithoutServiceChurn() throws Exception {
        try (ConnectionFixture connection = new ConnectionFixture(context, cm, properties("broker.uris",
                new String[] {link.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            Object serviceId = connection.reference().getProperty(Constants.SERVICE_ID);

            connection.update("min.backoff", 30.0, "max.backoff", 5.0); // min > max: refused

            Delivery delivery = mqtt.publish(topic + "/still", utf8("still-working"), 1);
            subscriber.awaitAll(List.of("still-working"), Duration.ofSeconds(20));
            Await.until("delivered", Duration.ofSeconds(10), () -> delivery.completion().toCompletableFuture().isDone());
            assertThat(connection.reference().getProperty(Constants.SERVICE_ID)).isEqualTo(serviceId);
            assertThat(mqtt.statistics().connected()).isTrue();
        }
    }
}
