package io.robmqtt.api;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The handle of one message that {@link MqttPublisher} accepted and stored.
 *
 * <p>Keeping a reference is optional: the message is delivered whether or not anybody watches it.
 */
@ProviderType
public interface Delivery {

    /**
     * The message's sequence number: unique and increasing in acceptance order for the store it lives in,
     * never reused.
     */
    long sequence();

    /**
     * Completes normally when the broker acknowledged the message (QoS 1 and 2) or it was written to the
     * network (QoS 0). Completes exceptionally with {@link MessageEvictedException} if a more important message
     * displaced it from a full queue, and with {@link MessageExpiredException} if it expired before it was sent.
     *
     * <p>The stage lives in memory: after a restart of the framework the stored message is still delivered,
     * but its old handle is gone.
     */
    CompletionStage<Void> completion();
}
