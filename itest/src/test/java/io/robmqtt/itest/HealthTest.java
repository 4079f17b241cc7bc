package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.robmqtt.api.MessageListener;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.api.StoreException;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** /health, /health/live and /health/ready over real HTTP, in each state of a connection. */
class HealthTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @BeforeEach
    void http() throws Exception {
        HttpFixture.start(cm);
    }

    private static HttpFixture.Response get(String path) {
        return HttpFixture.get(path);
    }

    private static JsonObject json(HttpFixture.Response response) {
        return JsonParser.parseString(response.body()).getAsJsonObject();
    }

    @Test
    void healthyThenUnhealthyWhileLiveStaysUpAfterTheBrokerIsKilled() throws Exception {
        StoreFixture.configure(cm, properties());
        try (ConnectionFixture c = new ConnectionFixture(context, cm,
                properties("broker.uris", new String[] {broker.uri()}))) {
            c.awaitConnected();
            Await.until("healthy", Duration.ofSeconds(20), () -> get("/health").status() == 200);
            HttpFixture.Response health = get("/health");
            JsonObject body = json(health);
            JsonObject mine = body.has("connections") ? entryOf(body, c.name) : body;
            assertThat(mine.get("status").getAsString()).isEqualTo("healthy");
            assertThat(mine.get("client_id").getAsString()).isEqualTo(c.clientId);
            assertThat(mine.getAsJsonObject("statistics").get("connected").getAsBoolean()).isTrue();
            assertThat(get("/health/ready").status()).isEqualTo(200);

            broker.kill();
            Await.until("unhealthy: 503", Duration.ofSeconds(20), () -> get("/health").status() == 503);
            assertThat(json(get("/health")).get("status").getAsString()).isEqualTo("unhealthy");
            assertThat(get("/health/ready").status()).isEqualTo(503);
            assertThat(get("/health/live").status()).as("an offline gateway that queues is alive").isEqualTo(200);
        }
    }

    @Test
    void aQueuePastTheThresholdWhileConnectedIsDegradedWith200() throws Exception {
        StoreFixture.configure(cm, properties("max.queue.size", 10));
        FaultyLink link = broker.link();
        try (ConnectionFixture c = new ConnectionFixture(context, cm, properties("broker.uris",
                        new String[] {link.uri()}, "max.inflight", 1, "keepalive", 60))) {
            MqttPublisher mqtt = c.publisher();
            c.awaitConnected();
            link.silenceOpenConnections(); // connected, but nothing is acknowledged: the window fills, the queue grows
            for (int i = 0; i < 10; i++) {
                mqtt.publish("itest/health", new byte[] {1}, 1);
            }
            Await.until("degraded", Duration.ofSeconds(20), () -> get("/health").status() == 200
                    && get("/health").body().contains("\"degraded\""));
            JsonObject body = json(get("/health"));
            JsonObject mine = body.has("connections") ? entryOf(body, c.name) : body;
            assertThat(mine.get("status").getAsString()).isEqualTo("degraded");
            assertThat(mine.getAsJsonObject("statistics").getAsJsonObject("offline_queue")
                    .get("capacity_used_percent").getAsDouble()).isGreaterThanOrEqualTo(80.0);
            assertThat(mqtt.statistics().connected()).isTrue();
        } finally {
            StoreFixture.configure(cm, properties());
        }
    }

    @Test
    void aStoreBelowItsDiskFloorIsDegradedAndRefusesNewMessagesUntilSpaceReturns() throws Exception {
        StoreFixture.configure(cm, properties("min.free.disk.bytes", Long.MAX_VALUE / 2)); // above any free space
        try (ConnectionFixture c = new ConnectionFixture(context, cm,
                properties("broker.uris", new String[] {broker.uri()}))) {
            MqttPublisher mqtt = c.publisher();
            c.awaitConnected();
            Await.until("degraded", Duration.ofSeconds(20), () -> get("/health").status() == 200
                    && get("/health").body().contains("\"degraded\""));
            assertThatThrownBy(() -> mqtt.publish("itest/disk", new byte[] {1}, 1)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("below min.free.disk.bytes");
            assertThat(mqtt.statistics().offlineQueue().belowDiskFloor()).isTrue();

            StoreFixture.configure(cm, properties()); // space returned: here, the floor is back at its default
            Await.until("healthy again", Duration.ofSeconds(20), () -> !get("/health").body().contains("\"degraded\""));
            mqtt.publish("itest/disk", new byte[] {1}, 1);
            String series = "{connection=\"" + c.name + "\"}";
            assertThat(new PrometheusText(get("/metrics").body()).samples)
                    .containsKeys("robmqtt_free_disk_bytes" + series, "robmqtt_store_file_bytes" + series);
        } finally {
            StoreFixture.configure(cm, properties());
        }
    }

    @Test
    void aRobmqttThreadKilledByAnErrorTurnsLiveTo503() throws Exception {
        StoreFixture.configure(cm, properties());
        try (ConnectionFixture c = new ConnectionFixture(context, cm,
                properties("broker.uris", new String[] {broker.uri()}));
                Subscriber application = new Subscriber(broker.uri(), "unused/" + java.util.UUID.randomUUID())) {
            MqttPublisher mqtt = c.publisher();
            c.awaitConnected();
            assertThat(get("/health/live").status()).isEqualTo(200);
            String topic = "itest/fatal-" + java.util.UUID.randomUUID();
            java.util.Dictionary<String, Object> properties = new java.util.Hashtable<>();
            properties.put(MessageListener.FILTER, topic);
            properties.put(MessageListener.CONNECTION, c.name);
            var registration = context.registerService(MessageListener.class, (t, payload, qos, retain) -> {
                throw new AssertionError("a bug that kills the thread it runs on");
            }, properties);
            try {
                Await.until("the listener's thread died and /health/live answers 503", Duration.ofSeconds(20), () -> {
                    try {
                        application.publish(topic, "boom", 1);
                    } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                        throw new AssertionError(e);
                    }
                    return get("/health/live").status() == 503;
                });
                assertThat(mqtt.statistics().threadFailure()).contains("robmqtt-listener-").contains("AssertionError");
            } finally {
                registration.unregister();
            }
        }
        Await.until("live again once that connection is gone", Duration.ofSeconds(20),
                () -> get("/health/live").status() == 200);
    }

    @Test
    void metricsAreInThePrometheusTextFormatAndCountWhatWasPublished() throws Exception {
        StoreFixture.configure(cm, properties());
        try (ConnectionFixture c = new ConnectionFixture(context, cm,
                properties("broker.uris", new String[] {broker.uri()}))) {
            MqttPublisher mqtt = c.publisher();
            c.awaitConnected();
            for (int i = 0; i < 25; i++) {
                mqtt.publish("itest/metrics", new byte[] {1}, 1, false, 1 + i % 3);
            }
            String series = "{connection=\"" + c.name + "\"}";
            try {
                Await.until("25 acknowledged in /metrics", Duration.ofSeconds(20), () -> {
                    HttpFixture.Response r = get("/metrics");
                    return r.status() == 200 && Double.valueOf(25.0)
                            .equals(new PrometheusText(r.body()).samples.get("robmqtt_acknowledged_total" + series));
                });
            } catch (AssertionError e) {
                HttpFixture.Response last = get("/metrics");
                throw new AssertionError(e.getMessage() + "; last answer " + last.status() + ":\n" + last.body(), e);
            }
            // acknowledged records are removed in batches within 20 ms: inflight settles to 0 just after the acks
            Await.until("inflight 0 in /metrics", Duration.ofSeconds(10), () -> Double.valueOf(0.0)
                    .equals(new PrometheusText(get("/metrics").body()).samples.get("robmqtt_inflight_messages" + series)));
            PrometheusText metrics = new PrometheusText(get("/metrics").body());
            assertThat(metrics.types).containsEntry("robmqtt_published_total", "counter")
                    .containsEntry("robmqtt_queue_depth", "gauge").containsEntry("robmqtt_connected", "gauge");
            assertThat(metrics.samples).containsEntry("robmqtt_published_total" + series, 25.0)
                    .containsEntry("robmqtt_connected" + series, 1.0)
                    .containsEntry("robmqtt_inflight_messages" + series, 0.0)
                    .containsEntry("robmqtt_queue_depth{connection=\"" + c.name + "\",priority=\"1\"}", 0.0)
                    .containsKeys("robmqtt_reconnects_total" + series, "robmqtt_connect_failures_total" + series,
                            "robmqtt_current_backoff_seconds" + series, "robmqtt_oldest_queued_age_seconds" + series,
                            "robmqtt_evicted_total" + series, "robmqtt_received_total" + series,
                            "robmqtt_throttled_seconds_total" + series,
                            "robmqtt_dropped_total{connection=\"" + c.name + "\",reason=\"no_listener\"}");
        }
    }

    private static JsonObject entryOf(JsonObject body, String name) {
        for (var entry : body.getAsJsonArray("connections")) {
            if (entry.getAsJsonObject().get("connection").getAsString().equals(name)) {
                return entry.getAsJsonObject();
            }
        }
        throw new AssertionError("no entry for " + name + " in " + body);
    }
}
