package io.robmqtt.client;

import io.robmqtt.api.MqttPublisher;
import io.robmqtt.api.store.StoredMessage;
import java.util.List;

/** What operators may do to a connection: an internal service of this bundle, for the shell commands. */
interface ConnectionControl {

    String name();

    String clientId();

    /** The broker URI the connection is connected to; empty while it is not. */
    String broker();

    MqttPublisher publisher();

    /** Connects again after {@link #disconnect()}. */
    void connect();

    /** Disconnects cleanly; the connection stays down until {@link #connect()}. */
    void disconnect();

    /** The next queued messages, in delivery order. */
    List<StoredMessage> queued(int limit);
}
