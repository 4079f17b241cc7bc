package io.robmqtt.client;

import org.eclipse.paho.client.mqttv3.MqttMessage;

/** What {@link Subscriptions} needs of a broker session: subscribing, and acknowledging what arrived. */
interface BrokerLink {
    void subscribe(String filter, int qos);

    void unsubscribe(String filter);

    /** Acknowledges a received QoS 1 or 2 message; if the session is gone, the broker delivers it again. */
    void ack(MqttMessage message);
}
