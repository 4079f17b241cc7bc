package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Updating and refreshing the connection and store bundles while two threads publish loses no message that
 * publish accepted. (The API bundle is left out: refreshing it refreshes every bundle that uses it, this test
 * bundle too.)
 */
class HotSwapTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @Test
    void updatingAndRefreshingTheClientAndStoreBundlesLosesNoAcceptedMessage() throws Exception {
        StoreFixture.configure(cm, properties("max.queue.size", 100_000));
        String topic = "itest/" + UUID.randomUUID();
        try (Subscriber subscriber = new Subscriber(broker.uri(), topic + "/#");
                ConnectionFixture connection = new ConnectionFixture(context, cm,
                        properties("broker.uris", new String[] {broker.uri()}))) {
            connection.awaitConnected();
            ServiceTracker<MqttPublisher, MqttPublisher> publishers = new ServiceTracker<>(context,
                    context.createFilter("(&(objectClass=" + MqttPublisher.class.getName() + ")(connection.name="
                            + connection.name + "))"), null);
            publishers.open();
            Set<String> accepted = ConcurrentHashMap.newKeySet();
            AtomicInteger refused = new AtomicInteger();
            java.util.Map<String, Integer> refusals = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch stopped = new CountDownLatch(2);
            for (int t = 0; t < 2; t++) {
                int thread = t;
                Thread publisher = new Thread(() -> {
                    try {
                        for (int i = 0; running.get() && i < 200_000; i++) {
                            MqttPublisher mqtt = publishers.waitForService(10_000);
                            String payload = "h" + thread + "-" + i;
                            try {
                                mqtt.publish(topic + "/" + thread, payload.getBytes(StandardCharsets.UTF_8), 1);
                                accepted.add(payload);
                            } catch (RuntimeException e) {
                                // not accepted (the caller knows; nothing to deliver): a store that is away, or a
                                // service object that went away under the caller
                                refused.incrementAndGet();
                                refusals.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        stopped.countDown();
                    }
                });
                publisher.start();
            }
            try {
                Await.until("publishing is under way", Duration.ofSeconds(20), () -> accepted.size() > 200);
                swap("io.robmqtt.client");
                Await.until("publishing goes on after the client swap (refusals: " + refusals + ")",
                        Duration.ofSeconds(30), () -> accepted.size() > 600);
                swap("io.robmqtt.store");
                int afterSwaps = accepted.size();
                Await.until("publishing goes on after the store swap", Duration.ofSeconds(30),
                        () -> accepted.size() > afterSwaps + 400);
            } finally {
                running.set(false);
                assertThat(stopped.await(60, TimeUnit.SECONDS)).isTrue();
                publishers.close();
            }
            subscriber.awaitAll(accepted, Duration.ofSeconds(120));
            System.out.printf("hot swap: %d accepted and all delivered, %d refused while a bundle was swapped %s, "
                    + "%d duplicates%n", accepted.size(), refused.get(), refusals, subscriber.duplicates());
        }
    }

    private void swap(String symbolicName) throws Exception {
        Bundle bundle = null;
        for (Bundle candidate : context.getBundles()) {
            if (symbolicName.equals(candidate.getSymbolicName())) {
                bundle = candidate;
            }
        }
        assertThat(bundle).as(symbolicName).isNotNull();
        bundle.update();
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertThat(refreshed.await(60, TimeUnit.SECONDS)).as(symbolicName + " refreshed").isTrue();
    }
}
