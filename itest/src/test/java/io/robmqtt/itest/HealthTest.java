package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.testing.Await;
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
                            "robmqtt_evicted_total" + series, "robmqtt_received_total" + series);
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
