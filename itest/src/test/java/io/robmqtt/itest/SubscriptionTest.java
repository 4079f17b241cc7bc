package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.MessageListener;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.api.Subscription;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Listeners in another bundle receive what they subscribed to, through broker restarts, slowness and failures. */
class SubscriptionTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private final String topic = "itest/" + UUID.randomUUID();
    private FaultyLink link;
    private Subscriber cloud;
    private ConnectionFixture connection;

    @BeforeEach
    void start() throws Exception {
        StoreFixture.configure(cm, properties());
        link = broker.link();
        cloud = new Subscriber(broker.uri(), "unused/" + UUID.randomUUID());
        // a filter is unsubscribed 2 s after its last listener left (listener.wait.seconds)
        connection = new ConnectionFixture(context, cm, properties("broker.uris", new String[] {link.uri()},
                "listener.wait.seconds", 2.0));
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        cloud.close();
    }

    private ServiceRegistration<MessageListener> register(MessageListener listener, String... filters) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(MessageListener.FILTER, filters);
        properties.put(MessageListener.CONNECTION, connection.name);
        return context.registerService(MessageListener.class, listener, properties);
    }

    private void awaitSubscriptions(MqttPublisher mqtt, int count) {
        Await.until(count + " active subscriptions", Duration.ofSeconds(20),
                () -> mqtt.statistics().activeSubscriptions() == count);
    }

    @Test
    void aWhiteboardListenerReceivesWhatMatchesItsFiltersOffThePahoThread() throws Exception {
        MqttPublisher mqtt = connection.publisher();
        connection.awaitConnected();
        RecordingListener listener = new RecordingListener();
        ServiceRegistration<MessageListener> registration = register(listener, topic + "/+/temperature", topic + "/cmd/#");
        awaitSubscriptions(mqtt, 2);
        Await.until("the broker has the subscription", Duration.ofSeconds(10), () -> {
            probe(topic + "/probe/temperature");
            return !listener.received.isEmpty();
        });
        listener.received.clear();

        cloud.publish(topic + "/room1/temperature", "21.5", 1);
        cloud.publish(topic + "/room1/floor2/temperature", "no", 1);
        cloud.publish(topic + "/cmd", "reboot", 1);
        cloud.publish(topic + "/cmd/a/b", "deep", 1);

        Await.until("three matching messages", Duration.ofSeconds(20), () -> withoutProbes(listener).size() >= 3);
        assertThat(withoutProbes(listener)).containsExactly(topic + "/room1/temperature=21.5", topic + "/cmd=reboot",
                topic + "/cmd/a/b=deep");
        assertThat(listener.threads).allSatisfy(t -> assertThat(t).startsWith("robmqtt-listener-"));

        org.osgi.framework.Bundle client = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "io.robmqtt.client".equals(b.getSymbolicName())).findFirst().orElseThrow();
        client.stop();
        client.start();
        connection.awaitConnected();
        Await.until("the whiteboard listener is subscribed again after the client bundle restarted",
                Duration.ofSeconds(30), () -> {
                    probe(topic + "/after-restart/temperature");
                    return listener.received.contains(topic + "/after-restart/temperature=probe");
                });
        registration.unregister();
    }

    private static List<String> withoutProbes(RecordingListener listener) {
        return listener.received.stream().filter(entry -> !entry.endsWith("=probe")).toList();
    }

    private void probe(String probeTopic) {
        try {
            cloud.publish(probeTopic, "probe", 1);
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSubscriptionMadeOfflineIsSentAtConnectAndSurvivesABrokerKilledAndRestarted() throws Exception {
        link.refuse(true);
        MqttPublisher mqtt = connection.publisher();
        RecordingListener listener = new RecordingListener();
        Subscription subscription = mqtt.subscribe(topic + "/#", listener);
        link.refuse(false);
        connection.awaitConnected();
        Await.until("subscribed at the first connect", Duration.ofSeconds(20), () -> {
            probe(topic + "/first");
            return listener.received.contains(topic + "/first=probe");
        });

        link.refuse(true);
        broker.kill();
        Await.until("the client noticed", Duration.ofSeconds(20), () -> !mqtt.statistics().connected());
        broker.startProcess();
        cloud.connect();
        link.refuse(false);
        connection.awaitConnected();

        Await.until("subscribed again after the broker restarted", Duration.ofSeconds(30), () -> {
            probe(topic + "/again");
            return listener.received.contains(topic + "/again=probe");
        });
        subscription.close();
        awaitSubscriptions(mqtt, 0);
    }

    @Test
    void aListenerBlockedForSecondsSlowsNeitherPublishingNorTheConnection() throws Exception {
        MqttPublisher mqtt = connection.publisher();
        connection.awaitConnected();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        MessageListener slow = (t, payload, qos, retain) -> {
            blocked.countDown();
            release.await(20, TimeUnit.SECONDS); // a listener that takes its time; the test releases it
        };
        ServiceRegistration<MessageListener> registration = register(slow, topic + "/slow");
        awaitSubscriptions(mqtt, 1);
        Await.until("the listener is blocked", Duration.ofSeconds(20), () -> {
            probe(topic + "/slow");
            return blocked.getCount() == 0;
        });

        List<CompletableFuture<Void>> deliveries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Delivery d = mqtt.publish(topic + "/out", ("m" + i).getBytes(StandardCharsets.UTF_8), 1);
            deliveries.add(d.completion().toCompletableFuture());
        }
        Await.until("all 200 published while the listener is blocked were acknowledged", Duration.ofSeconds(20),
                () -> deliveries.stream().allMatch(CompletableFuture::isDone));
        assertThat(release.getCount()).as("the listener is still blocked").isEqualTo(1);
        long reconnects = mqtt.statistics().reconnects();
        Await.holds("the connection stays up past 1.5 keepalives (3 s) with the listener blocked",
                Duration.ofSeconds(4), () -> mqtt.statistics().connected());
        assertThat(mqtt.statistics().reconnects()).isEqualTo(reconnects);
        release.countDown();
        registration.unregister();
    }

    @Test
    void unregisteringTheListenerUnsubscribes() throws Exception {
        assumeTrue(broker.isMosquitto(), "reads Mosquitto's $SYS/broker/subscriptions/count; the Moquette fallback "
                + "broker has no such topic (install mosquitto to run this test)");
        MqttPublisher mqtt = connection.publisher();
        connection.awaitConnected();
        RecordingListener listener = new RecordingListener();
        ServiceRegistration<MessageListener> registration = register(listener, topic + "/u");
        awaitSubscriptions(mqtt, 1);
        Await.until("subscribed", Duration.ofSeconds(10), () -> {
            probe(topic + "/u");
            return !listener.received.isEmpty();
        });

        try (Subscriber sys = new Subscriber(broker.uri(), "$SYS/broker/subscriptions/count")) {
            // this test's broker holds three: the cloud client's, this $SYS reader's, and robmqtt's topic/u
            Await.until("the broker counts 3 subscriptions", Duration.ofSeconds(20),
                    () -> !sys.received().isEmpty() && last(sys).equals("3"));

            registration.unregister();
            awaitSubscriptions(mqtt, 0);

            Await.until("the broker's own count drops to 2: robmqtt sent UNSUBSCRIBE", Duration.ofSeconds(20),
                    () -> last(sys).equals("2"));
        }
    }

    private static String last(Subscriber subscriber) {
        List<String> received = subscriber.received();
        return received.get(received.size() - 1);
    }

    @Test
    void aThrowingListenerIsCountedAndTheMessageAcknowledgedAndTheNextDelivered() throws Exception {
        MqttPublisher mqtt = connection.publisher();
        connection.awaitConnected();
        RecordingListener listener = new RecordingListener() {
            @Override
            public void messageArrived(String t, byte[] payload, int qos, boolean retain) throws Exception {
                super.messageArrived(t, payload, qos, retain);
                if (new String(payload, StandardCharsets.UTF_8).equals("boom")) {
                    throw new IllegalStateException("listener failure on purpose");
                }
            }
        };
        ServiceRegistration<MessageListener> registration = register(listener, topic + "/t");
        awaitSubscriptions(mqtt, 1);
        Await.until("subscribed", Duration.ofSeconds(10), () -> {
            probe(topic + "/t");
            return !listener.received.isEmpty();
        });

        cloud.publish(topic + "/t", "boom", 1);
        cloud.publish(topic + "/t", "after", 1);

        Await.until("the next message is delivered", Duration.ofSeconds(20),
                () -> listener.received.contains(topic + "/t=after"));
        assertThat(mqtt.statistics().listenerFailures()).isEqualTo(1);
        // A clean reconnect (a new keepalive needs one) flushes pending acknowledgements before DISCONNECT; the
        // broker keeps the session (clean.session false) and would send again whatever was not acknowledged.
        connection.update("keepalive", 3);
        Await.until("reconnected", Duration.ofSeconds(20), () -> mqtt.statistics().reconnects() >= 1);
        connection.awaitConnected();
        Await.until("the session is subscribed again", Duration.ofSeconds(10), () -> {
            probe(topic + "/t");
            return listener.count(topic + "/t=probe") >= 2;
        });
        Await.holds("'boom' was acknowledged: the broker does not send it again", Duration.ofSeconds(1),
                () -> listener.count(topic + "/t=boom") == 1);
        registration.unregister();
    }
}
