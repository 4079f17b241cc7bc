package io.robmqtt.client;

import io.robmqtt.api.ClientStatistics;
import io.robmqtt.api.QueueStatistics;
import java.util.Map;

/** An immutable {@link ClientStatistics}. */
record StatisticsSnapshot(boolean connected, double currentBackoffSeconds, QueueStatistics offlineQueue,
        long inflightMessages, boolean tlsEnabled, int activeSubscriptions, long published, long acknowledged,
        long queued, long evicted, long rejected, long resent, long reconnects, long connectFailures,
        long received, long listenerFailures, Map<String, Long> dropped, long expired, double throttledSeconds,
        String threadFailure,
        String lastConnectError,
        String certificateWarning)
        implements ClientStatistics {
    /** The reason of {@link #dropped()} for messages removed unsent past their expiry. */
    static final String EXPIRED = "expired";

    static StatisticsSnapshot of(boolean connected, double backoff, QueueStatistics queue, long inflight,
            boolean tls, int subscriptions, ConnectionCounters c, double throttledSeconds) {
        return new StatisticsSnapshot(connected, backoff, queue, inflight, tls, subscriptions, c.published.sum(),
                c.acknowledged.sum(), c.queued.sum(), c.evicted.sum(), c.rejected.sum(), c.resent.sum(),
                c.reconnects.sum(), c.connectFailures.sum(), c.received.sum(), c.listenerFailures.sum(),
                Map.of(Subscriptions.NO_LISTENER, c.droppedNoListener.sum(), Subscriptions.LANE_FULL,
                        c.droppedLaneFull.sum(), EXPIRED, c.expired.sum()), c.expired.sum(), throttledSeconds,
                c.threadFailure.isEmpty() ? queue.storeFailure() : c.threadFailure, c.lastConnectError,
                c.certificateWarning);
    }
}
