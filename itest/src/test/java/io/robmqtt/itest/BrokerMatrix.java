package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MessageListener;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The broker matrix: one suite of delivery, subscription and health tests, run against each broker
 * implementation by a subclass that names its broker (started once for the class, as RabbitMQ takes seconds to
 * boot) and what it does where brokers differ ({@link BrokerBehaviour}). Each test has a connection and a
 * {@link FaultyLink} of its own.
 */
abstract class BrokerMatrix {
    private static final int MESSAGES = 1_500;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    /** The broker of each subclass, started by its first test and stopped after its last. */
    private static final Map<Class<?>, BrokerExtension> BROKERS = new ConcurrentHashMap<>();

    final String topic = "matrix/" + UUID.randomUUID();
    private final BrokerExtension broker;
    private final BrokerBehaviour behaviour;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private FaultyLink link;
    private Subscriber cloud;

    /** A subclass names its broker, and what that broker does where brokers differ, as the suite saw it. */
    BrokerMatrix(BrokerImplementation implementation, BrokerBehaviour behaviour) {
        this.broker = BROKERS.computeIfAbsent(getClass(), c -> new BrokerExtension(implementation));
        this.behaviour = behaviour;
    }

    private BrokerExtension broker() {
        return broker;
    }

    private BrokerBehaviour behaviour() {
        return behaviour;
    }

    @AfterAll
    static void stopBroker() {
        BROKERS.values().forEach(BrokerExtension::stopBroker);
        BROKERS.clear();
    }

    @BeforeEach
    void start() throws Exception {
        StoreFixture.configure(cm, properties());
        link = broker().link();
        cloud = closing(new Subscriber(broker().uri(), topic + "/cloud/#"));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            for (int i = closeAfter.size() - 1; i >= 0; i--) {
                closeAfter.get(i).close();
            }
        } finally {
            broker.stopLink();
        }
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeAfter.add(closeable);
        return closeable;
    }

    /** A connection through this test's link, with these properties added. */
    private ConnectionFixture connect(Object... extra) throws Exception {
        Object[] all = new Object[extra.length + 2];
        all[0] = "broker.uris";
        all[1] = new String[] {link.uri()};
        System.arraycopy(extra, 0, all, 2, extra.length);
        ConnectionFixture connection = closing(new ConnectionFixture(context, cm, properties(all)));
        connection.awaitConnected();
        return connection;
    }

    /** Publishes probes from the cloud until the listener has one: the broker has the subscription. */
    private void awaitSubscribed(QosRecordingListener listener, String probeTopic) {
        Await.until("the broker routes " + probeTopic + " to the subscription", Duration.ofSeconds(30), () -> {
            publishFromCloud(probeTopic, "probe", 1);
            return listener.has(probeTopic + "=probe");
        });
    }

    private void publishFromCloud(String to, String payload, int qos) {
        try {
            cloud.publish(to, payload, qos);
        } catch (MqttException e) {
            throw new AssertionError("the cloud client could not publish to " + to, e);
        }
    }

    private static void awaitReconnected(MqttPublisher mqtt, long reconnectsBefore) {
        Await.until("reconnected", Duration.ofSeconds(30),
                () -> mqtt.statistics().reconnects() > reconnectsBefore && mqtt.statistics().connected());
    }

    @Test
    void everyQos1MessageArrivesThroughADroppedAndASilentLink() throws Exception {
        MqttPublisher mqtt = connect().publisher();
        List<String> accepted = new ArrayList<>();
        publish(mqtt, accepted, MESSAGES / 3);
        long reconnects = mqtt.statistics().reconnects();
        link.dropAll();
        publish(mqtt, accepted, MESSAGES / 3); // into the outage and the reconnect
        awaitReconnected(mqtt, reconnects);
        reconnects = mqtt.statistics().reconnects();
        link.silenceOpenConnections(); // noticed by the keepalive only
        publish(mqtt, accepted, MESSAGES / 3); // into the silent link, then the reconnect
        awaitReconnected(mqtt, reconnects);
        cloud.awaitAll(accepted, Duration.ofSeconds(90));
        System.out.printf("broker matrix, %s: %d messages through a dropped and a silent link, %d duplicates%n",
                broker().kind(), accepted.size(), cloud.duplicates());
        Await.until("queue and inflight are empty", Duration.ofSeconds(30), () ->
                mqtt.statistics().offlineQueue().totalMessages() == 0 && mqtt.statistics().inflightMessages() == 0);
    }

    private void publish(MqttPublisher mqtt, List<String> accepted, int count) {
        for (int i = 0; i < count; i++) {
            String payload = "m" + accepted.size();
            mqtt.publish(topic + "/cloud/q1", payload.getBytes(StandardCharsets.UTF_8), 1);
            accepted.add(payload);
        }
    }

    @Test
    void wildcardFiltersMatchAsMqttSays() throws Exception {
        MqttPublisher mqtt = connect().publisher();
        QosRecordingListener listener = new QosRecordingListener();
        closing(mqtt.subscribe(topic + "/+/temperature", listener, 1));
        closing(mqtt.subscribe(topic + "/cmd/#", listener, 1));
        awaitSubscribed(listener, topic + "/probe/temperature");
        awaitSubscribed(listener, topic + "/cmd/probe");
        listener.clear();

        publishFromCloud(topic + "/room1/temperature", "one level", 1);
        publishFromCloud(topic + "/room1/floor2/temperature", "two levels", 1);
        publishFromCloud(topic + "/cmd", "parent of #", 1);
        publishFromCloud(topic + "/cmd/a/b", "deep", 1);
        publishFromCloud(topic + "/other", "no match", 1);
        publishFromCloud(topic + "/cmd/last", "last", 1);

        Await.until("four matching messages", Duration.ofSeconds(20), () -> listener.has(topic + "/cmd/last=last"));
        assertThat(listener.topicsAndPayloads()).containsExactly(topic + "/room1/temperature=one level",
                topic + "/cmd=parent of #", topic + "/cmd/a/b=deep", topic + "/cmd/last=last");
    }

    @Test
    void aSubscriptionIsRenewedAfterAReconnectThatLostTheSession() throws Exception {
        MqttPublisher mqtt = connect("clean.session", true).publisher();
        QosRecordingListener listener = new QosRecordingListener();
        closing(mqtt.subscribe(topic + "/renewed/#", listener, 1));
        awaitSubscribed(listener, topic + "/renewed/first");

        long reconnects = mqtt.statistics().reconnects();
        link.dropAll(); // a clean session: the broker forgets the subscription, robmqtt must send it again
        awaitReconnected(mqtt, reconnects);
        awaitSubscribed(listener, topic + "/renewed/again");
        assertThat(mqtt.statistics().activeSubscriptions()).isEqualTo(1);
    }

    @Test
    void aMessageWhoseListenerHasNotReturnedIsRedeliveredAfterAReconnect() throws Exception {
        MqttPublisher mqtt = connect().publisher();
        CountDownLatch release = new CountDownLatch(1);
        QosRecordingListener listener = new QosRecordingListener() {
            @Override
            public void messageArrived(String t, byte[] payload, int qos, boolean retain) throws Exception {
                super.messageArrived(t, payload, qos, retain);
                if (t.endsWith("/held")) {
                    release.await(60, TimeUnit.SECONDS);
                }
            }
        };
        closing(mqtt.subscribe(topic + "/acks/#", listener, 1));
        awaitSubscribed(listener, topic + "/acks/probe");

        publishFromCloud(topic + "/acks/held", "held", 1);
        Await.until("the listener holds the message", Duration.ofSeconds(20),
                () -> listener.has(topic + "/acks/held=held"));
        long received = mqtt.statistics().received();
        long reconnects = mqtt.statistics().reconnects();
        link.dropAll();
        awaitReconnected(mqtt, reconnects);
        Await.until("the broker sent the unacknowledged message again while its listener still runs",
                Duration.ofSeconds(30), () -> mqtt.statistics().received() > received,
                () -> "received " + mqtt.statistics().received() + ", before the drop " + received);
        release.countDown();
        Await.until("the listener got it a second time", Duration.ofSeconds(20),
                () -> listener.count(topic + "/acks/held=held") >= 2);
        publishFromCloud(topic + "/acks/after", "after", 1);
        Await.until("the next message follows", Duration.ofSeconds(20),
                () -> listener.has(topic + "/acks/after=after"));
    }

    /**
     * Where the broker answers with PUBACK, the message counts as acknowledged: at least once, as QoS 1; robmqtt
     * says so at WARN, once per session, and that the subscription was granted less than it asked for.
     */
    @Test
    void qos2PublishAndSubscription() throws Exception {
        ConnectionFixture connection = connect();
        MqttPublisher mqtt = connection.publisher();
        QosRecordingListener listener = new QosRecordingListener();
        closing(mqtt.subscribe(topic + "/q2/#", listener, 2));
        awaitSubscribed(listener, topic + "/q2/probe");

        mqtt.publish(topic + "/q2/m", "exactly".getBytes(StandardCharsets.UTF_8), 2).completion()
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
        Await.until("the QoS 2 message arrives", Duration.ofSeconds(20), () -> listener.has(topic + "/q2/m=exactly"));
        int expected = behaviour().qos2() == BrokerBehaviour.Qos2.EXACTLY_ONCE ? 2 : 1;
        assertThat(listener.qosOf(topic + "/q2/m=exactly")).as(behaviour().qos2().toString()).isEqualTo(expected);
        Await.until("nothing inflight", Duration.ofSeconds(10), () -> mqtt.statistics().inflightMessages() == 0);
        String log = Files.readString(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        String downgraded = "event=qos2_downgraded client_id=" + connection.clientId + ":";
        String granted = "event=subscription_downgraded client_id=" + connection.clientId + " filter=" + topic
                + "/q2/# requested_qos=2 granted_qos=1";
        if (expected == 2) {
            assertThat(log).doesNotContain(downgraded).doesNotContain(granted);
        } else {
            assertThat(log).contains(downgraded).contains(granted);
        }
    }

    @Test
    void aSharedSubscription() throws Exception {
        MqttPublisher mqtt = connect().publisher();
        QosRecordingListener listener = new QosRecordingListener();
        closing(mqtt.subscribe("$share/robmqtt/" + topic + "/cloud/shared/#", listener, 1));
        if (behaviour().shared() == BrokerBehaviour.Shared.DELIVERED) {
            awaitSubscribed(listener, topic + "/cloud/shared/probe");
            return;
        }
        Await.until("SUBACK", Duration.ofSeconds(20), () -> mqtt.statistics().activeSubscriptions() == 1);
        publishFromCloud(topic + "/cloud/shared/m", "shared", 1);
        cloud.awaitAll(List.of("shared"), Duration.ofSeconds(20)); // the broker routed it, to the plain subscriber
        Await.holds("no message reaches the shared subscription (" + behaviour().shared() + ")",
                Duration.ofSeconds(2), () -> listener.topicsAndPayloads().isEmpty());
    }

    @Test
    void aRetainedMessage() throws Exception {
        MqttPublisher mqtt = connect().publisher();
        mqtt.publish(topic + "/retained/a", "kept".getBytes(StandardCharsets.UTF_8), 1, true).completion()
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
        try (Subscriber exact = new Subscriber(broker().uri(), topic + "/retained/a")) {
            exact.awaitAll(List.of("kept"), Duration.ofSeconds(20));
        }
        QosRecordingListener listener = new QosRecordingListener();
        closing(mqtt.subscribe(topic + "/retained/#", listener, 1));
        String kept = topic + "/retained/a=kept";
        switch (behaviour().retained()) {
            case TO_EVERY_MATCHING_FILTER, WITHOUT_THE_RETAIN_FLAG -> {
                Await.until("the retained message reaches a wildcard subscription", Duration.ofSeconds(20),
                        () -> listener.has(kept));
                assertThat(listener.retained(kept)).as(behaviour().retained().toString())
                        .isEqualTo(behaviour().retained() == BrokerBehaviour.Retained.TO_EVERY_MATCHING_FILTER);
            }
            case TO_THE_EXACT_TOPIC_ONLY -> {
                awaitSubscribed(listener, topic + "/retained/probe"); // the retained message would have come first
                assertThat(listener.topicsAndPayloads()).as(behaviour().retained().toString()).doesNotContain(kept);
            }
        }
    }

    @Test
    void aLongClientIdConnects() throws Exception {
        String clientId = "robmqtt-" + "x".repeat(200) + "-" + UUID.randomUUID();
        MqttPublisher mqtt = connect("client.id", clientId).publisher();
        mqtt.publish(topic + "/cloud/long", "long id".getBytes(StandardCharsets.UTF_8), 1);
        cloud.awaitAll(List.of("long id"), Duration.ofSeconds(20));
    }

    @Test
    void healthAndStatisticsFollowTheConnection() throws Exception {
        HttpFixture.start(cm);
        MqttPublisher mqtt = connect().publisher();
        Await.until("healthy", Duration.ofSeconds(20), () -> HttpFixture.get("/health").status() == 200);
        for (int i = 0; i < 10; i++) {
            mqtt.publish(topic + "/cloud/stats", ("s" + i).getBytes(StandardCharsets.UTF_8), 1);
        }
        Await.until("10 acknowledged", Duration.ofSeconds(20), () -> mqtt.statistics().acknowledged() >= 10);
        assertThat(mqtt.statistics().published()).isGreaterThanOrEqualTo(10);

        link.refuse(true);
        link.dropAll();
        Await.until("unhealthy: 503 while the broker cannot be reached", Duration.ofSeconds(20),
                () -> HttpFixture.get("/health").status() == 503);
        Await.until("failed attempts are counted", Duration.ofSeconds(20),
                () -> mqtt.statistics().connectFailures() > 0 && mqtt.statistics().lastConnectError() != null);
        assertThat(mqtt.statistics().connected()).isFalse();
        mqtt.publish(topic + "/cloud/stats", "offline".getBytes(StandardCharsets.UTF_8), 1);
        assertThat(mqtt.statistics().offlineQueue().totalMessages()).isGreaterThanOrEqualTo(1);

        link.refuse(false);
        Await.until("healthy again", Duration.ofSeconds(30), () -> HttpFixture.get("/health").status() == 200);
        cloud.awaitAll(List.of("offline"), Duration.ofSeconds(20));
        assertThat(mqtt.statistics().reconnects()).isGreaterThanOrEqualTo(1);
    }

    /** A listener that records "topic=payload" with the QoS and retain flag each message arrived with. */
    static class QosRecordingListener implements MessageListener {
        private record Arrival(String entry, int qos, boolean retain) {}

        private final List<Arrival> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void messageArrived(String t, byte[] payload, int qos, boolean retain) throws Exception {
            arrivals.add(new Arrival(t + "=" + new String(payload, StandardCharsets.UTF_8), qos, retain));
        }

        boolean has(String entry) {
            return count(entry) > 0;
        }

        long count(String entry) {
            return arrivals.stream().filter(a -> a.entry().equals(entry)).count();
        }

        int qosOf(String entry) {
            return arrivals.stream().filter(a -> a.entry().equals(entry)).findFirst().orElseThrow().qos();
        }

        boolean retained(String entry) {
            return arrivals.stream().filter(a -> a.entry().equals(entry)).findFirst().orElseThrow().retain();
        }

        /** What arrived, probes left out. */
        List<String> topicsAndPayloads() {
            return arrivals.stream().map(Arrival::entry).filter(e -> !e.endsWith("=probe")).toList();
        }

        void clear() {
            arrivals.clear();
        }
    }
}
