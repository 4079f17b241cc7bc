package io.robmqtt.api;

import org.osgi.annotation.versioning.ProviderType;

/** A subscription made with {@link MqttPublisher#subscribe(String, MessageListener, int)}. */
@ProviderType
public interface Subscription extends AutoCloseable {

    /** The topic filter subscribed to. */
    String filter();

    /**
     * Ends the subscription. The broker is sent UNSUBSCRIBE when no other listener of the connection still
     * needs the filter. Calling it again does nothing.
     */
    @Override
    void close();
}
