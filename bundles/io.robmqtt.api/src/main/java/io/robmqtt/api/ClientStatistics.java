package io.robmqtt.api;

import java.util.Map;
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

    /** Messages accepted by {@code publish} since the connection started. */
    long published();

    /** Messages the broker acknowledged (QoS 1 and 2) or that were written to the network (QoS 0). */
    long acknowledged();

    /** Messages that went to the offline queue rather than straight to the broker. */
    long queued();

    /** Messages evicted from the offline queue for more important ones. */
    long evicted();

    /** Messages refused because the queue was full of messages at least as important. */
    long rejected();

    /** Messages sent again after a reconnect or a restart, because their acknowledgement had not come. */
    long resent();

    /** Successful connections after the first one. */
    long reconnects();

    /** Connection attempts that failed, refused or not. */
    long connectFailures();

    /** Messages received for this connection's subscriptions. */
    long received();

    /** Times a listener threw while handling a message. */
    long listenerFailures();

    /**
     * Messages robmqtt dropped, by reason; a reason that never occurred may be missing. {@code no_listener}: a
     * received message that no listener claimed within {@code listener.wait.seconds}, acknowledged to the broker
     * and dropped; {@code lane_full}: a received QoS 0 message whose listener already had
     * {@code listener.capacity} waiting; {@code expired}: a queued message older than its expiry, removed unsent
     * (also {@link #expired()}).
     *
     * @since 1.1
     */
    Map<String, Long> dropped();

    /**
     * Messages that expired before they were sent and were removed from the queue, since the connection started.
     *
     * @since 1.2
     */
    long expired();

    /**
     * How long {@code max.publish.rate} held this connection back, in seconds: the time its sender waited for the
     * rate while messages were ready to go.
     *
     * @since 1.1
     */
    double throttledSeconds();

    /**
     * Why the client certificate needs attention (it expires within {@code cert.expiry.warn.days}, or has
     * expired), or the empty string.
     */
    String certificateWarning();

    /**
     * Which robmqtt thread of this connection, or of the store under it, died of an error, and of what; the empty
     * string while none did. While it is not empty, {@code /health/live} answers 503: restart the gateway.
     *
     * @since 1.1
     */
    String threadFailure();

    /** Why the last connection attempt failed, or the empty string if none has. Never holds a secret. */
    String lastConnectError();
}
