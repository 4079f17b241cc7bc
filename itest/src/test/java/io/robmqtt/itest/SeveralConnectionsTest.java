package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * One factory configuration per connection: each has its own publisher, client id, queue and broker, and the
 * connections share robmqtt's threads.
 */
class SeveralConnectionsTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension cloud = new BrokerExtension();

    @RegisterExtension
    final BrokerExtension plant = new BrokerExtension();

    @Test
    void eachConnectionHasItsOwnPublisherPickedByATargetFilterAndItsOwnQueue() throws Exception {
        StoreFixture.configure(cm, properties());
        String topic = "itest/" + UUID.randomUUID();
        FaultyLink plantLink = plant.link();
        try (Subscriber onCloud = new Subscriber(cloud.uri(), topic + "/#");
                Subscriber onPlant = new Subscriber(plant.uri(), topic + "/#");
                ConnectionFixture a = new ConnectionFixture(context, cm, properties("broker.uris",
                        new String[] {cloud.uri()}));
                ConnectionFixture b = new ConnectionFixture(context, cm, properties("broker.uris",
                        new String[] {plantLink.uri()}))) {
            a.awaitConnected();
            b.awaitConnected();
            Collection<ServiceReference<MqttPublisher>> byName = context.getServiceReferences(MqttPublisher.class,
                    "(connection.name=" + b.name + ")");
            assertThat(byName).hasSize(1);
            assertThat(byName.iterator().next().getProperty("client.id")).isEqualTo(b.clientId);
            assertThat(byName.iterator().next().getProperty("password")).as("no secrets on the service").isNull();

            plantLink.refuse(true);
            MqttPublisher plantPublisher = b.publisher();
            Await.until("the plant connection is down", Duration.ofSeconds(20),
                    () -> !plantPublisher.statistics().connected());
            a.publisher().publish(topic + "/c", "to-cloud".getBytes(StandardCharsets.UTF_8), 1);
            plantPublisher.publish(topic + "/p", "to-plant".getBytes(StandardCharsets.UTF_8), 1);

            onCloud.awaitAll(List.of("to-cloud"), Duration.ofSeconds(20));
            assertThat(plantPublisher.statistics().offlineQueue().totalMessages()).isEqualTo(1);
            assertThat(a.publisher().statistics().offlineQueue().totalMessages()).isZero();

            plantLink.refuse(false);
            onPlant.awaitAll(List.of("to-plant"), Duration.ofSeconds(20));
            assertThat(onCloud.received()).containsExactly("to-cloud");
            assertThat(onPlant.received()).containsExactly("to-plant");
        }
    }

    /**
     * An idle connection costs Paho's three blocking loops (receive, send, callback) and no thread of its own besides:
     * its lifecycle, drain and listener work and Paho's keepalive checks run on threads all connections share.
     */
    @Test
    void anIdleConnectionCostsAtMostThreeThreads() throws Exception {
        StoreFixture.configure(cm, properties());
        List<ConnectionFixture> connections = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                connections.add(new ConnectionFixture(context, cm, properties("broker.uris",
                        new String[] {cloud.uri()})));
            }
            for (ConnectionFixture c : connections) {
                c.awaitConnected();
            }
            Await.until("each idle connection has at most 3 threads", Duration.ofSeconds(20),
                    () -> connections.stream().allMatch(c -> threadsOf(c.name).size() <= 3),
                    () -> connections.stream().map(c -> threadsOf(c.name).toString()).toList().toString());
        } finally {
            for (ConnectionFixture c : connections) {
                c.close();
            }
        }
    }

    /** Threads whose name names the connection: robmqtt's own for it, and Paho's for its client id. */
    private static List<String> threadsOf(String connection) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.contains(connection)).toList();
    }
}
