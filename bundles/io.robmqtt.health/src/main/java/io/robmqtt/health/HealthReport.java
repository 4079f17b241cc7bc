package io.robmqtt.health;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.robmqtt.api.ClientStatistics;
import io.robmqtt.api.QueueStatistics;
import java.util.List;

/**
 * The health of the connections, as the original robmqtt's {@code /health} JSON: {@code status},
 * {@code client_id} and {@code statistics} for one connection; for several, the worst status and one such entry
 * per connection. Unhealthy (HTTP 503) when not connected; degraded (200) when the queue is at or above the
 * threshold of its capacity, or the store's disk is below its floor ({@code min.free.disk.bytes}); else healthy
 * (200).
 */
final class HealthReport {
    private static final Gson GSON = new GsonBuilder().serializeNulls().setPrettyPrinting().create();

    /** One connection's identity and statistics. */
    record Connection(String name, String clientId, ClientStatistics statistics) {}

    enum Status {
        HEALTHY, DEGRADED, UNHEALTHY;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private HealthReport() {}

    static Status status(ClientStatistics statistics, double degradedThresholdPercent) {
        if (!statistics.connected()) {
            return Status.UNHEALTHY;
        }
        QueueStatistics queue = statistics.offlineQueue();
        return queue.capacityUsedPercent() >= degradedThresholdPercent || queue.belowDiskFloor() ? Status.DEGRADED
                : Status.HEALTHY;
    }

    /** The worst status of all connections; unhealthy when there is none. */
    static Status worst(List<Connection> connections, double threshold) {
        return connections.stream().map(c -> status(c.statistics(), threshold)).max(Enum::compareTo)
                .orElse(Status.UNHEALTHY);
    }

    static String json(List<Connection> connections, double threshold) {
        if (connections.size() == 1) {
            return GSON.toJson(entry(connections.get(0), threshold));
        }
        JsonObject body = new JsonObject();
        body.addProperty("status", worst(connections, threshold).json());
        JsonArray entries = new JsonArray();
        for (Connection connection : connections) {
            JsonObject entry = entry(connection, threshold);
            entry.addProperty("connection", connection.name());
            entries.add(entry);
        }
        body.add("connections", entries);
        return GSON.toJson(body);
    }

    private static JsonObject entry(Connection connection, double threshold) {
        ClientStatistics s = connection.statistics();
        JsonObject entry = new JsonObject();
        entry.addProperty("status", status(s, threshold).json());
        entry.addProperty("client_id", connection.clientId());
        JsonObject statistics = new JsonObject();
        statistics.addProperty("connected", s.connected());
        statistics.addProperty("current_backoff_seconds", s.currentBackoffSeconds());
        statistics.add("offline_queue", queue(s.offlineQueue()));
        statistics.addProperty("inflight_messages", s.inflightMessages());
        statistics.addProperty("tls_enabled", s.tlsEnabled());
        statistics.addProperty("active_subscriptions", s.activeSubscriptions());
        entry.add("statistics", statistics);
        return entry;
    }

    private static JsonObject queue(QueueStatistics q) {
        JsonObject queue = new JsonObject();
        queue.addProperty("total_messages", q.totalMessages());
        JsonObject byPriority = new JsonObject();
        q.byPriority().forEach((priority, count) -> byPriority.addProperty(String.valueOf(priority), count));
        queue.add("by_priority", byPriority);
        if (q.oldestMessageAgeSeconds().isPresent()) {
            queue.addProperty("oldest_message_age_seconds", q.oldestMessageAgeSeconds().getAsDouble());
        } else {
            queue.add("oldest_message_age_seconds", JsonNull.INSTANCE);
        }
        queue.addProperty("capacity_used_percent", q.capacityUsedPercent());
        return queue;
    }
}
