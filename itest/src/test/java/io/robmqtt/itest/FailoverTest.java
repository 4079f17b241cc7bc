package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import io.robmqtt.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * {@code broker.uris} listing two brokers, each behind a {@link FaultyLink}, with a subscriber on each broker
 * itself: a first broker that refuses or stays silent hands over to the second within one attempt, a connection
 * whose broker dies moves to the other, and fail-back returns to the first once it answers; nothing accepted is
 * lost on the way. The backoff is set far longer than each test waits, so that only the hand-over within one
 * attempt can pass.
 */
class FailoverTest {
    /** Longer than any wait below: a test that needed a backoff wait to reach the next broker fails. */
    private static final double LONG_BACKOFF = 120.0;
    private static final Duration WITHIN_ONE_ATTEMPT = Duration.ofSeconds(15);

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension first = new BrokerExtension();

    @RegisterExtension
    final BrokerExtension second = new BrokerExtension();

    private final String topic = "itest/" + UUID.randomUUID();

    @BeforeEach
    void store() throws Exception {
        StoreFixture.configure(cm, properties("max.queue.size", 100_000));
    }

    @Test
    void aFirstBrokerThatRefusesTheConnectionHandsOverToTheNextWithinOneAttempt() throws Exception {
        String closedPort = "tcp://127.0.0.1:" + TestBroker.freePort(); // nothing listens: TCP refuses
        try (Subscriber atSecond = new Subscriber(second.uri(), topic);
                ConnectionFixture connection = new ConnectionFixture(context, cm, properties(
                        "broker.uris", new String[] {closedPort, second.link().uri()},
                        "min.backoff", LONG_BACKOFF, "max.backoff", LONG_BACKOFF))) {
            MqttPublisher mqtt = connection.publisher();
            Await.until("connected to the second broker", WITHIN_ONE_ATTEMPT, () -> mqtt.statistics().connected());
            assertThat(mqtt.statistics().connectFailures()).as("one failed attempt, at the first broker").isEqualTo(1);
            assertThat(mqtt.statistics().lastConnectError()).contains("Connection refused");
            mqtt.publish(topic, "after the hand-over".getBytes(StandardCharsets.UTF_8), 1);
            atSecond.awaitAll(List.of("after the hand-over"), Duration.ofSeconds(10));
        }
    }

    @Test
    void aFirstBrokerThatAcceptsAndStaysSilentHandsOverAfterTheFailoverConnectTimeout() throws Exception {
        FaultyLink silent = first.link();
        silent.blackhole(true);
        try (Subscriber atSecond = new Subscriber(second.uri(), topic);
                ConnectionFixture connection = new ConnectionFixture(context, cm, properties(
                        "broker.uris", new String[] {silent.uri(), second.link().uri()},
                        "failover.connect.timeout", 2, "min.backoff", LONG_BACKOFF, "max.backoff", LONG_BACKOFF))) {
            MqttPublisher mqtt = connection.publisher();
            Await.until("connected to the second broker", WITHIN_ONE_ATTEMPT, () -> mqtt.statistics().connected());
            assertThat(silent.attempts()).as("the silent broker was tried first").hasSize(1);
            assertThat(mqtt.statistics().lastConnectError()).isEqualTo("no answer (TCP, TLS, CONNACK) from "
                    + silent.uri() + " within 2 s (failover.connect.timeout)");
            mqtt.publish(topic, "after the hand-over".getBytes(StandardCharsets.UTF_8), 1);
            atSecond.awaitAll(List.of("after the hand-over"), Duration.ofSeconds(10));
        }
    }

    @Test
    void whenTheConnectedBrokerDiesTheConnectionMovesToTheNextAndLosesNothing() throws Exception {
        FaultyLink toFirst = first.link();
        FaultyLink toSecond = second.link();
        try (Subscriber atFirst = new Subscriber(first.uri(), topic);
                Subscriber atSecond = new Subscriber(second.uri(), topic);
                ConnectionFixture connection = new ConnectionFixture(context, cm, properties(
                        "broker.uris", new String[] {toFirst.uri(), toSecond.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            assertThat(toSecond.attempts()).as("the first broker is preferred").isEmpty();
            List<String> accepted = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                if (i == 500) { // the node dies, as its clients see it: connections cut, new ones refused
                    toFirst.refuse(true);
                }
                String payload = "m" + i;
                mqtt.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1);
                accepted.add(payload);
            }
            Await.until("every accepted message at one broker or the other", Duration.ofSeconds(60),
                    () -> missing(accepted, atFirst, atSecond).isEmpty(),
                    () -> "missing " + missing(accepted, atFirst, atSecond));
            assertThat(atSecond.has("m1999")).as("the last messages went to the second broker").isTrue();
            assertThat(mqtt.statistics().reconnects()).isEqualTo(1);
        }
    }

    @Test
    void failBackReturnsToTheFirstBrokerOnceItAnswersAndLosesNothing() throws Exception {
        FaultyLink toFirst = first.link();
        toFirst.blackhole(true); // silent at first: the probes time out and the connection stays put
        try (Subscriber atFirst = new Subscriber(first.uri(), topic);
                Subscriber atSecond = new Subscriber(second.uri(), topic);
                ConnectionFixture connection = new ConnectionFixture(context, cm, properties(
                        "broker.uris", new String[] {toFirst.uri(), second.link().uri()},
                        "failover.connect.timeout", 1, "broker.failback.seconds", 1))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            List<String> accepted = new ArrayList<>();
            long probes = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (toFirst.attempts().size() < 3) { // publishing on through two probes that found no answer
                publishBatch(mqtt, accepted, atFirst, atSecond);
                assertThat(System.nanoTime()).as("two fail-back probes within 30 s").isLessThan(probes);
            }
            assertThat(mqtt.statistics().reconnects()).as("a probe that fails leaves the connection alone").isZero();
            // the live session's, and at most the one of the probe under way: those of the probes that failed ended
            Await.until("the Paho threads of the probes that failed ended", Duration.ofSeconds(10),
                    () -> receiverThreadsOf(connection.clientId) <= 2, () -> receiverThreadsOf(connection.clientId)
                            + " receiver threads of " + connection.clientId);
            assertThat(atFirst.received()).as("nothing went to the silent first broker").isEmpty();
            toFirst.blackhole(false);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do { // publishing on until a batch arrives at the first broker
                publishBatch(mqtt, accepted, atFirst, atSecond);
                assertThat(System.nanoTime()).as("back on the first broker within 30 s").isLessThan(deadline);
            } while (!atFirst.has(accepted.get(accepted.size() - 1)));
            for (int j = 0; j < 10; j++) {
                publishBatch(mqtt, accepted, atFirst, atSecond);
            }
            Await.until("every accepted message at one broker or the other", Duration.ofSeconds(60),
                    () -> missing(accepted, atFirst, atSecond).isEmpty(),
                    () -> "missing " + missing(accepted, atFirst, atSecond));
            assertThat(atFirst.has(accepted.get(accepted.size() - 1))).as("the last message went to the first broker")
                    .isTrue();
            assertThat(mqtt.statistics().reconnects()).as("one move, back to the first broker").isEqualTo(1);
        }
    }

    /**
     * The session on the second broker is lost while a fail-back probe waits for the silent first one: the probe is
     * the round's attempt, and when it times out the round goes on to the second broker at once, not after a
     * backoff wait (set far longer than the test waits).
     */
    @Test
    void aConnectionLostWhileAFailBackProbeWaitsGoesOnWithTheRoundNotTheBackoff() throws Exception {
        FaultyLink toFirst = first.link();
        FaultyLink toSecond = second.link();
        toFirst.blackhole(true);
        try (Subscriber atSecond = new Subscriber(second.uri(), topic);
                ConnectionFixture connection = new ConnectionFixture(context, cm, properties(
                        "broker.uris", new String[] {toFirst.uri(), toSecond.uri()},
                        "failover.connect.timeout", 3, "broker.failback.seconds", 1,
                        "min.backoff", LONG_BACKOFF, "max.backoff", LONG_BACKOFF))) {
            MqttPublisher mqtt = connection.publisher();
            Await.until("connected to the second broker", WITHIN_ONE_ATTEMPT, () -> mqtt.statistics().connected());
            Await.until("a fail-back probe waiting for the first broker", WITHIN_ONE_ATTEMPT,
                    () -> toFirst.attempts().size() == 2);
            toSecond.dropAll();
            Await.until("connected to the second broker again", WITHIN_ONE_ATTEMPT,
                    () -> mqtt.statistics().reconnects() == 1 && mqtt.statistics().connected());
            mqtt.publish(topic, "after the loss".getBytes(StandardCharsets.UTF_8), 1);
            atSecond.awaitAll(List.of("after the loss"), Duration.ofSeconds(10));
        }
    }

    /**
     * Publishes a batch of 20 without waiting in between, so that some are unacknowledged whenever the connection
     * moves, then waits until the last of them arrived at one broker or the other.
     */
    private void publishBatch(MqttPublisher mqtt, List<String> accepted, Subscriber... subscribers) {
        String last = null;
        for (int j = 0; j < 20; j++) {
            last = "m" + accepted.size();
            mqtt.publish(topic, last.getBytes(StandardCharsets.UTF_8), 1);
            accepted.add(last);
        }
        String awaited = last;
        Await.until(awaited + " at a broker", Duration.ofSeconds(30),
                () -> Arrays.stream(subscribers).anyMatch(s -> s.has(awaited)));
    }

    /** Paho's receiver threads of a client id: one per Paho client that reached the broker and is not closed. */
    private static long receiverThreadsOf(String clientId) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().equals("MQTT Rec: " + clientId)).count();
    }

    private static Set<String> missing(List<String> accepted, Subscriber... subscribers) {
        Set<String> missing = new HashSet<>(accepted);
        for (Subscriber s : subscribers) {
            s.received().forEach(missing::remove);
        }
        return missing;
    }
}
