package io.robmqtt.health;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import io.robmqtt.api.ClientStatistics;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.api.QueueStatistics;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Prometheus metrics of every connection, read from its statistics at each scrape (nothing to keep in step):
 * counters of messages and connections, gauges of the queue and the link, labelled by connection.
 */
final class ConnectionCollector extends Collector {
    private static final List<String> CONNECTION = List.of("connection");

    private final Map<MqttPublisher, Map<String, Object>> connections;

    ConnectionCollector(Map<MqttPublisher, Map<String, Object>> connections) {
        this.connections = connections;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        CounterMetricFamily published = counter("published", "Messages accepted by publish");
        CounterMetricFamily acknowledged = counter("acknowledged", "Messages acknowledged by the broker (QoS 0: written)");
        CounterMetricFamily queued = counter("queued", "Messages that went to the offline queue");
        CounterMetricFamily evicted = counter("evicted", "Messages evicted from a full queue for more important ones");
        CounterMetricFamily rejected = counter("rejected", "Messages refused because the queue was full");
        CounterMetricFamily resent = counter("resent", "Messages sent again after a reconnect or restart");
        CounterMetricFamily received = counter("received", "Messages received for subscriptions");
        CounterMetricFamily reconnects = counter("reconnects", "Successful connections after the first");
        CounterMetricFamily failures = counter("connect_failures", "Connection attempts that failed");
        CounterMetricFamily throttled = counter("throttled_seconds", "Seconds max.publish.rate held the connection back");
        CounterMetricFamily dropped = new CounterMetricFamily("robmqtt_dropped", "Messages robmqtt dropped, by reason",
                List.of("connection", "reason"));
        GaugeMetricFamily depth = new GaugeMetricFamily("robmqtt_queue_depth", "Messages waiting in the offline queue",
                List.of("connection", "priority"));
        GaugeMetricFamily bytes = gauge("queue_bytes", "Bytes waiting in the offline queue");
        GaugeMetricFamily fileBytes = gauge("store_file_bytes", "Bytes of the store's database file and its log");
        GaugeMetricFamily freeBytes = gauge("free_disk_bytes", "Bytes free on the file system of the store");
        GaugeMetricFamily inflight = gauge("inflight_messages", "Messages sent and not yet acknowledged");
        GaugeMetricFamily connected = gauge("connected", "1 while connected to the broker, else 0");
        GaugeMetricFamily backoff = gauge("current_backoff_seconds", "Wait before the next reconnect attempt");
        GaugeMetricFamily oldest = gauge("oldest_queued_age_seconds", "Age of the oldest queued message; 0 when empty");
        connections.forEach((publisher, properties) -> {
            List<String> label = List.of(String.valueOf(properties.get(MqttPublisher.CONNECTION_NAME)));
            ClientStatistics s = publisher.statistics();
            QueueStatistics q = s.offlineQueue();
            add(published, label, s, ClientStatistics::published);
            add(acknowledged, label, s, ClientStatistics::acknowledged);
            add(queued, label, s, ClientStatistics::queued);
            add(evicted, label, s, ClientStatistics::evicted);
            add(rejected, label, s, ClientStatistics::rejected);
            add(resent, label, s, ClientStatistics::resent);
            add(received, label, s, ClientStatistics::received);
            add(reconnects, label, s, ClientStatistics::reconnects);
            add(failures, label, s, ClientStatistics::connectFailures);
            throttled.addMetric(label, s.throttledSeconds());
            s.dropped().forEach((reason, count) -> dropped.addMetric(List.of(label.get(0), reason), count));
            for (int priority = 1; priority <= 10; priority++) {
                depth.addMetric(List.of(label.get(0), String.valueOf(priority)), q.byPriority().getOrDefault(priority, 0L));
            }
            bytes.addMetric(label, q.totalBytes());
            fileBytes.addMetric(label, q.storeFileBytes());
            freeBytes.addMetric(label, q.freeDiskBytes());
            inflight.addMetric(label, s.inflightMessages());
            connected.addMetric(label, s.connected() ? 1 : 0);
            backoff.addMetric(label, s.currentBackoffSeconds());
            oldest.addMetric(label, q.oldestMessageAgeSeconds().orElse(0));
        });
        return List.of(published, acknowledged, queued, evicted, rejected, resent, received, reconnects, failures,
                dropped, throttled, depth, bytes, fileBytes, freeBytes, inflight, connected, backoff, oldest);
    }

    private static CounterMetricFamily counter(String name, String help) {
        return new CounterMetricFamily("robmqtt_" + name, help, CONNECTION);
    }

    private static GaugeMetricFamily gauge(String name, String help) {
        return new GaugeMetricFamily("robmqtt_" + name, help, CONNECTION);
    }

    private static void add(CounterMetricFamily family, List<String> label, ClientStatistics s,
            ToLongFunction<ClientStatistics> value) {
        family.addMetric(label, value.applyAsLong(s));
    }
}
