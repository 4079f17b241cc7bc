package io.robmqtt.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.robmqtt.api.ClientStatistics;
import io.robmqtt.api.QueueStatistics;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HealthReportTest {

    private static ClientStatistics stats(boolean connected, double capacityPercent, long queued) {
        return stats(connected, capacityPercent, queued, false);
    }

    private static ClientStatistics stats(boolean connected, double capacityPercent, long queued,
            boolean belowDiskFloor) {
        SortedMap<Integer, Long> byPriority = new TreeMap<>(java.util.Collections.reverseOrder());
        if (queued > 0) {
            byPriority.put(5, queued);
        }
        QueueStatistics queue = new QueueStatistics() {
            @Override public long totalMessages() { return queued; }
            @Override public long totalBytes() { return queued * 10; }
            @Override public SortedMap<Integer, Long> byPriority() { return byPriority; }
            @Override public OptionalDouble oldestMessageAgeSeconds() {
                return queued > 0 ? OptionalDouble.of(12.5) : OptionalDouble.empty();
            }
            @Override public double capacityUsedPercent() { return capacityPercent; }
            @Override public long evictedMessages() { return 0; }
            @Override public long rejectedMessages() { return 0; }
            @Override public long storeFileBytes() { return 4096; }
            @Override public long freeDiskBytes() { return belowDiskFloor ? 1 : Long.MAX_VALUE; }
            @Override public boolean belowDiskFloor() { return belowDiskFloor; }
            @Override public String storeFailure() { return ""; }
        };
        return new ClientStatistics() {
            @Override public boolean connected() { return connected; }
            @Override public double currentBackoffSeconds() { return 1; }
            @Override public QueueStatistics offlineQueue() { return queue; }
            @Override public long inflightMessages() { return 0; }
            @Override public boolean tlsEnabled() { return false; }
            @Override public int activeSubscriptions() { return 2; }
            @Override public long published() { return 0; }
            @Override public long acknowledged() { return 0; }
            @Override public long queued() { return 0; }
            @Override public long evicted() { return 0; }
            @Override public long rejected() { return 0; }
            @Override public long resent() { return 0; }
            @Override public long reconnects() { return 0; }
            @Override public long connectFailures() { return 0; }
            @Override public long received() { return 0; }
            @Override public long listenerFailures() { return 0; }
            @Override public Map<String, Long> dropped() { return Map.of(); }
            @Override public long expired() { return 0; }
            @Override public double throttledSeconds() { return 0; }
            @Override public String threadFailure() { return ""; }
            @Override public String certificateWarning() { return ""; }
            @Override public String lastConnectError() { return ""; }
        };
    }

    @Test
    void oneConnectionGivesTheOriginalsJsonExactly() {
        String json = HealthReport.json(List.of(new HealthReport.Connection("default", "my_device_001",
                stats(true, 0.0, 0))), 80);
        JsonObject body = JsonParser.parseString(json).getAsJsonObject();
        assertThat(body.keySet()).containsExactly("status", "client_id", "statistics");
        assertThat(body.get("status").getAsString()).isEqualTo("healthy");
        assertThat(body.get("client_id").getAsString()).isEqualTo("my_device_001");
        JsonObject statistics = body.getAsJsonObject("statistics");
        assertThat(statistics.keySet()).containsExactly("connected", "current_backoff_seconds", "offline_queue",
                "inflight_messages", "tls_enabled", "active_subscriptions");
        JsonObject queue = statistics.getAsJsonObject("offline_queue");
        assertThat(queue.keySet()).containsExactly("total_messages", "by_priority", "oldest_message_age_seconds",
                "capacity_used_percent");
        assertThat(queue.get("oldest_message_age_seconds").isJsonNull()).isTrue();
        assertThat(queue.getAsJsonObject("by_priority").keySet()).isEmpty();
        assertThat(statistics.get("active_subscriptions").getAsInt()).isEqualTo(2);
    }

    @Test
    void theStatusFollowsTheConnectionAndTheQueueAtTheThreshold() {
        assertThat(HealthReport.status(stats(false, 0, 0), 80)).isEqualTo(HealthReport.Status.UNHEALTHY);
        assertThat(HealthReport.status(stats(true, 79.99, 0), 80)).isEqualTo(HealthReport.Status.HEALTHY);
        assertThat(HealthReport.status(stats(true, 80.0, 0), 80)).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(HealthReport.worst(List.of(), 80)).isEqualTo(HealthReport.Status.UNHEALTHY);
    }

    @Test
    void aStoreBelowItsDiskFloorIsDegraded() {
        assertThat(HealthReport.status(stats(true, 0, 0, true), 80)).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(HealthReport.status(stats(false, 0, 0, true), 80)).isEqualTo(HealthReport.Status.UNHEALTHY);
    }

    @Test
    void severalConnectionsGiveTheWorstStatusAndAnEntryEach() {
        String json = HealthReport.json(List.of(
                new HealthReport.Connection("a", "id-a", stats(true, 90, 9)),
                new HealthReport.Connection("b", "id-b", stats(true, 0, 0))), 80);
        JsonObject body = JsonParser.parseString(json).getAsJsonObject();
        assertThat(body.get("status").getAsString()).isEqualTo("degraded");
        assertThat(body.getAsJsonArray("connections")).hasSize(2);
        JsonObject a = body.getAsJsonArray("connections").get(0).getAsJsonObject();
        assertThat(a.get("connection").getAsString()).isEqualTo("a");
        assertThat(a.getAsJsonObject("statistics").getAsJsonObject("offline_queue").getAsJsonObject("by_priority")
                .get("5").getAsLong()).isEqualTo(9);
    }
}
