package io.robmqtt.api;

import org.osgi.annotation.versioning.ProviderType;

/** A snapshot of one connection's state: what the original robmqtt's {@code get_statistics()} returned. */
@ProviderType
public interface ClientStatistics {

    /** Whether the connection to the broker is up. */
    boolean connected();

    /** The wait before the next reconnect attempt, in seconds. */
    double currentBackoffSeconds();

    /** The offline queue of this connection. */
    QueueStatistics offlineQueue();

    /** QoS 1 and 2 messages sent and not yet acknowledged by the broker. */
    long inflightMessages();

    /** Whether the connection uses TLS. */
    boolean tlsEnabled();

    /** Subscriptions this connection holds. */
    int activeSubscriptions();
}
