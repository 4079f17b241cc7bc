package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Backoff, moving brokers through ConfigAdmin, and re-sending what was inflight across a bundle restart. */
class ReconfigurationTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    /** Broker B of the move from A to B; only that test starts it. */
    @RegisterExtension
    final BrokerExtension brokerB = new BrokerExtension();

    private final String topic = "itest/" + UUID.randomUUID();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void reconnectWaitsGrowStayUnderTheCapAndAreJittered() throws Exception {
        StoreFixture.configure(cm, properties());
        FaultyLink link = broker.link();
        link.refuse(true);
        try (ConnectionFixture connection = new ConnectionFixture(context, cm, properties(
                "broker.uris", new String[] {link.uri()}, "min.backoff", 0.2, "max.backoff", 1.6))) {
            Await.until("9 refused attempts", Duration.ofSeconds(60), () -> link.attempts().size() >= 9);
            List<Long> times = List.copyOf(link.attempts());
            List<Double> waits = new ArrayList<>();
            for (int i = 1; i < 9; i++) {
                waits.add((times.get(i) - times.get(i - 1)) / 1e9);
            }
            System.out.println("reconnect waits (s): " + waits);
            // each wait is drawn from [e/2, e], e = min(1.6, 0.2 * 2^n), plus the time an attempt takes
            assertThat(waits.get(0)).isBetween(0.1, 0.2 + 0.5);
            assertThat(waits).allSatisfy(w -> assertThat(w).isLessThan(1.6 + 0.5));
            assertThat(waits.subList(5, 8)).allSatisfy(w -> assertThat(w).isGreaterThanOrEqualTo(0.8));
            assertThat(waits.get(4)).isGreaterThan(waits.get(0));
            assertThat(new HashSet<>(waits.subList(4, 8))).as("capped waits are jittered").hasSizeGreaterThan(1);
            assertThat(connection.publisher().statistics().currentBackoffSeconds()).isBetween(0.8, 1.6);
        }
    }

    @Test
    void theConnectionMovesFromBrokerAToBrokerBMidStreamWithNothingLost() throws Exception {
        StoreFixture.configure(cm, properties("max.queue.size", 100_000)); // room for a burst during the switch
        BrokerExtension a = broker;
        BrokerExtension b = brokerB;
        try (Subscriber onA = new Subscriber(a.uri(), topic + "/#");
                Subscriber onB = new Subscriber(b.uri(), topic + "/#");
                ConnectionFixture connection = new ConnectionFixture(context, cm,
                        properties("broker.uris", new String[] {a.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            Object serviceId = connection.reference().getProperty(Constants.SERVICE_ID);
            List<String> all = new ArrayList<>();
            Thread mover = new Thread(() -> {
                try {
                    connection.update("broker.uris", new String[] {b.uri()});
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            for (int i = 0; i < 2_000; i++) {
                if (i == 700) {
                    mover.start();
                }
                String payload = "m-" + i;
                mqtt.publish(topic + "/x", utf8(payload), 1);
                all.add(payload);
            }
            mover.join(30_000);

            Await.until("every message reached A or B", Duration.ofSeconds(60), () -> {
                Set<String> union = new HashSet<>(onA.received());
                union.addAll(onB.received());
                return union.containsAll(all);
            });
            assertThat(onB.distinct()).as("messages went to B after the move").isPositive();
            assertThat(connection.reference().getProperty(Constants.SERVICE_ID)).as("no service churn").isEqualTo(serviceId);
            System.out.printf("move A->B: %d on A, %d on B, %d duplicates%n", onA.distinct(), onB.distinct(),
                    onA.duplicates() + onB.duplicates());
        }
    }

    @Test
    void whatWasInflightWhenTheClientBundleStoppedIsSentAfterItStartsAgain() throws Exception {
        StoreFixture.configure(cm, properties());
        FaultyLink link = broker.link();
        try (Subscriber subscriber = new Subscriber(broker.uri(), topic + "/#");
                ConnectionFixture connection = new ConnectionFixture(context, cm,
                        properties("broker.uris", new String[] {link.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            link.silenceOpenConnections(); // sent, never acknowledged
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                mqtt.publish(topic + "/r", utf8("inflight-" + i), 1);
                sent.add("inflight-" + i);
            }
            Await.until("50 messages inflight", Duration.ofSeconds(20), () -> mqtt.statistics().inflightMessages() == 50);

            Bundle client = bundle("io.robmqtt.client");
            client.stop();
            client.start();

            subscriber.awaitAll(sent, Duration.ofSeconds(60));
            MqttPublisher restarted = connection.publisher();
            Await.until("the inflight records are gone", Duration.ofSeconds(30),
                    () -> restarted.statistics().inflightMessages() == 0);
            assertThat(restarted.statistics().resent()).isGreaterThanOrEqualTo(50);
        }
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError(symbolicName + " is not installed");
    }
}
