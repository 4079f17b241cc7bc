package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MessageListener;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Receiving is as reliable as publishing: a QoS 1 message the broker holds for robmqtt reaches a listener even
 * when no listener is registered as it arrives (after a restart, during a listener bundle's update), and one
 * that no listener ever claims is dropped visibly.
 */
class ReceivingTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private final String topic = "itest/rx-" + UUID.randomUUID();
    private Subscriber cloud;
    private ConnectionFixture connection;

    @BeforeEach
    void start() throws Exception {
        StoreFixture.configure(cm, properties());
        cloud = new Subscriber(broker.uri(), "unused/" + UUID.randomUUID());
    }

    @AfterEach
    void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        cloud.close();
    }

    private void connect(Object... extra) throws Exception {
        Object[] all = new Object[extra.length + 2];
        all[0] = "broker.uris";
        all[1] = new String[] {broker.uri()};
        System.arraycopy(extra, 0, all, 2, extra.length);
        connection = new ConnectionFixture(context, cm, properties(all));
        connection.awaitConnected();
    }

    private ServiceRegistration<MessageListener> register(MessageListener listener) {
        return register(listener, 1);
    }

    private ServiceRegistration<MessageListener> register(MessageListener listener, int qos) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(MessageListener.QOS, qos);
        properties.put(MessageListener.FILTER, new String[] {topic + "/#"});
        properties.put(MessageListener.CONNECTION, connection.name);
        return context.registerService(MessageListener.class, listener, properties);
    }

    /** Registers the listener and waits until a probe reaches it: the broker holds the subscription. */
    private ServiceRegistration<MessageListener> registerAndProbe(RecordingListener listener) throws Exception {
        return registerAndProbe(listener, 1);
    }

    private ServiceRegistration<MessageListener> registerAndProbe(RecordingListener listener, int qos)
            throws Exception {
        ServiceRegistration<MessageListener> registration = register(listener, qos);
        Await.until("the listener is subscribed", Duration.ofSeconds(20), () -> {
            try {
                cloud.publish(topic + "/probe", "probe", 1);
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                throw new AssertionError(e);
            }
            return listener.count(topic + "/probe=probe") > 0;
        });
        return registration;
    }

    private void publish(int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            cloud.publish(topic + "/n", Integer.toString(i), 1); // returns once the broker acknowledged it
        }
    }

    private static List<String> numbers(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "n=" + i).toList();
    }

    /** The listener's numbered messages, "n=<number>", in arrival order. */
    private List<String> numbered(RecordingListener listener) {
        return listener.received.stream().filter(r -> r.startsWith(topic + "/n=")).map(r -> r.substring(topic.length() + 1))
                .toList();
    }
    private long droppedNoListener(MqttPublisher mqtt) {
        return mqtt.statistics().dropped().getOrDefault("no_listener", 0L);
    }

    @Test
    void whatTheBrokerKeptWhileRobmqttWasDownReachesAListenerThatRegistersSecondsAfterTheConnection()
            throws Exception {
        connect(); // clean.session = false, listener.wait.seconds = 30: the defaults
        ServiceRegistration<MessageListener> first = registerAndProbe(new RecordingListener());
        first.unregister();
        Bundles.client(context).stop(); // robmqtt goes down; the broker keeps the session and its subscription
        publish(0, 200);

        Bundles.client(context).start();
        MqttPublisher mqtt = connection.publisher();
        connection.awaitConnected(); // the broker now sends what it kept, and no listener is registered
        Await.holds("nothing is dropped while a listener may still come", Duration.ofSeconds(2),
                () -> droppedNoListener(mqtt) == 0);
        RecordingListener late = new RecordingListener();
        ServiceRegistration<MessageListener> registration = register(late);
        try {
            Await.until("the late listener got all 200", Duration.ofSeconds(30), () -> numbered(late).size() >= 200,
                    () -> "got " + numbered(late).size());
            assertThat(numbered(late)).as("all, in order, once").containsExactlyElementsOf(numbers(0, 200));
            assertThat(droppedNoListener(mqtt)).isZero();
        } finally {
            registration.unregister();
        }
    }

    @Test
    void aListenerReplacedWhileMessagesStreamInLosesNothing() throws Exception {
        connect();
        RecordingListener before = new RecordingListener();
        ServiceRegistration<MessageListener> first = registerAndProbe(before);
        List<Integer> published = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < 600; i++) {
                    cloud.publish(topic + "/n", Integer.toString(i), 1);
                    published.add(i);
                    TimeUnit.MILLISECONDS.sleep(5); // paces the stream, it synchronises nothing
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the first listener is receiving", Duration.ofSeconds(20), () -> numbered(before).size() >= 50);
        first.unregister(); // its bundle is being updated
        int atUnregister = published.size();
        Await.until("messages were published while no listener was registered", Duration.ofSeconds(20),
                () -> published.size() >= atUnregister + 100);
        RecordingListener after = new RecordingListener();
        ServiceRegistration<MessageListener> second = register(after);
        try {
            stream.get(60, TimeUnit.SECONDS);
            List<String> all = numbers(0, 600);
            Await.until("every message reached one listener or the other", Duration.ofSeconds(30), () -> {
                List<String> got = new ArrayList<>(numbered(before));
                got.addAll(numbered(after));
                return got.containsAll(all);
            });
            assertThat(numbered(after)).as("the new listener's messages, in order")
                    .isSortedAccordingTo((a, b) -> Integer.compare(number(a), number(b)));
            long duplicates = numbered(before).size() + numbered(after).size() - all.size();
            System.out.printf("listener replaced mid-stream: 600 published, %d before, %d after, %d duplicates%n",
                    numbered(before).size(), numbered(after).size(), duplicates);
        } finally {
            second.unregister();
        }
    }

    private static int number(String entry) {
        return Integer.parseInt(entry.substring(2));
    }

    @Test
    void messagesOfAFilterWhoseListenerNeverReturnsAreDroppedVisiblyAndTheFilterUnsubscribed() throws Exception {
        connect("listener.wait.seconds", 3.0);
        MqttPublisher mqtt = connection.publisher();
        RecordingListener listener = new RecordingListener();
        ServiceRegistration<MessageListener> registration = registerAndProbe(listener);
        registration.unregister(); // and never comes back
        publish(0, 5);
        // Every message that reached robmqtt and that the listener did not take: the 5, and any probe still on its
        // way when the listener went (probes sent before the broker had the subscription never reach robmqtt)
        LongSupplier unclaimed = () -> mqtt.statistics().received() - listener.received.size();
        Await.until("the unclaimed messages are counted as dropped", Duration.ofSeconds(20),
                () -> unclaimed.getAsLong() >= 5 && droppedNoListener(mqtt) == unclaimed.getAsLong(),
                () -> "dropped " + droppedNoListener(mqtt) + " of " + unclaimed.getAsLong());
        assertThat(numbered(listener)).as("the listener had gone").isEmpty();
        Await.until("the filter is unsubscribed", Duration.ofSeconds(10),
                () -> mqtt.statistics().activeSubscriptions() == 0);
        Await.holds("nothing more is dropped: acknowledged once, never delivered again", Duration.ofSeconds(2),
                () -> droppedNoListener(mqtt) == unclaimed.getAsLong());
    }

    @Test
    void aQos2MessageReceivedBeforeARestartAndReleasedAfterItReachesTheListener() throws Exception {
        FaultyLink link = broker.link();
        connection = new ConnectionFixture(context, cm, properties("broker.uris", new String[] {link.uri()}));
        connection.awaitConnected();
        RecordingListener listener = new RecordingListener();
        ServiceRegistration<MessageListener> registration = registerAndProbe(listener, 2);
        try {
            link.withholdReleases(true);
            cloud.publish(topic + "/n", "7", 2);
            // robmqtt stored the message and answered PUBREC; MQTT hands it on only at the broker's PUBREL
            Await.until("the broker released the message and the link withheld it", Duration.ofSeconds(20),
                    () -> link.withheldReleases() >= 1);
            assertThat(numbered(listener)).as("not delivered before its release").isEmpty();

            Bundles.client(context).stop(); // robmqtt goes down between PUBREC and PUBREL: its memory of the message goes
            link.withholdReleases(false);
            Bundles.client(context).start(); // the broker repeats its PUBREL on the resumed session
            connection.awaitConnected();

            Await.until("the released message reached the listener", Duration.ofSeconds(20),
                    () -> numbered(listener).contains("n=7"), () -> "got " + listener.received);
            assertThat(numbered(listener)).as("once").containsExactly("n=7");
        } finally {
            registration.unregister();
        }
    }

    @Test
    void aFilterWithANewlineCannotForgeALogLine() throws Exception {
        connect();
        String forged = "forged-" + UUID.randomUUID();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(MessageListener.FILTER, new String[] {topic + "/a\n" + forged + " event=connected"});
        properties.put(MessageListener.CONNECTION, connection.name);
        ServiceRegistration<MessageListener> listener = context.registerService(MessageListener.class,
                new RecordingListener(), properties); // an application's filter, which robmqtt logs
        java.nio.file.Path log = java.nio.file.Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
        try {
            Await.until("robmqtt logged the filter", Duration.ofSeconds(20),
                    () -> io.robmqtt.testing.ChildProcesses.read(log).contains(forged));
            List<String> lines = java.nio.file.Files.readAllLines(log);
            assertThat(lines).as("log lines the filter could have forged").noneMatch(line -> line.startsWith(forged));
            assertThat(lines).as("the filter refused, on one line").anyMatch(line -> line.contains(
                    "event=listener_refused") && line.contains(forged) && line.contains("U+000A"));
        } finally {
            listener.unregister();
        }
    }
}
