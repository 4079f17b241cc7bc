package io.robmqtt.client;

import io.robmqtt.common.LogValue;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops received messages that no listener claimed: acknowledges them (so the broker stops sending them), counts
 * them as dropped with the reason {@value Subscriptions#NO_LISTENER}, and logs each topic once, so that a flood
 * of them neither goes unseen nor floods the log.
 */
final class UnclaimedDrops {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    /** Topics of dropped messages that are logged once each; past this many, drops are only counted. */
    private static final int LOGGED_TOPICS = 1_000;

    private final String connection;
    private final ConnectionCounters counters;
    private final Set<String> loggedTopics = new HashSet<>();

    UnclaimedDrops(String connection, ConnectionCounters counters) {
        this.connection = connection;
        this.counters = counters;
    }

    /** Acknowledges and drops the message; logs its topic the first time unless {@code log} is false. */
    void drop(Inbound inbound, boolean log) {
        inbound.session.ack(inbound.message);
        counters.droppedNoListener.increment();
        if (log && firstDropOf(inbound.topic)) {
            LOG.warn("event=message_dropped connection={} topic={} qos={} reason=no_listener: no listener claims it "
                    + "(later drops of this topic are counted, not logged)", LogValue.of(connection),
                    LogValue.of(inbound.topic),
                    inbound.message.getQos());
        }
    }

    private synchronized boolean firstDropOf(String topic) {
        return loggedTopics.size() < LOGGED_TOPICS && loggedTopics.add(topic);
    }
}
