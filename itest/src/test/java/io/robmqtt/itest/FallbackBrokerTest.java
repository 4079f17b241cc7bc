package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The Moquette broker that stands in for Mosquitto on machines without it, run even where Mosquitto is
 * installed, so that CI proves the fallback works: a dropped link loses nothing.
 */
class FallbackBrokerTest {
    private static final int MESSAGES = 1_000;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension(BrokerImplementation.moquette());

    private final String topic = "itest/" + UUID.randomUUID();

    @Test
    void everyMessageArrivesThroughADroppedLinkOnTheMoquetteBroker() throws Exception {
        StoreFixture.configure(cm, properties());
        FaultyLink link = broker.link();
        try (Subscriber subscriber = new Subscriber(broker.uri(), topic + "/#");
                ConnectionFixture connection = new ConnectionFixture(context, cm,
                        properties("broker.uris", new String[] {link.uri()}))) {
            MqttPublisher mqtt = connection.publisher();
            connection.awaitConnected();
            Set<String> accepted = new HashSet<>();
            for (int i = 0; i < MESSAGES; i++) {
                if (i == MESSAGES / 2) {
                    link.dropAll();
                }
                String payload = "m" + i;
                mqtt.publish(topic + "/a", payload.getBytes(StandardCharsets.UTF_8), 1);
                accepted.add(payload);
            }
            subscriber.awaitAll(accepted, Duration.ofSeconds(60));
            assertThat(mqtt.statistics().reconnects()).isGreaterThanOrEqualTo(1);
            Await.until("queue and inflight are empty", Duration.ofSeconds(30), () ->
                    mqtt.statistics().offlineQueue().totalMessages() == 0 && mqtt.statistics().inflightMessages() == 0);
        }
    }
}
