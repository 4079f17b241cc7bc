package io.robmqtt.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives MQTT messages. Two ways to subscribe one:
 * <ul>
 *   <li>{@link MqttPublisher#subscribe(String, MessageListener, int)} on a connection's service;
 *   <li>the whiteboard: register a {@code MessageListener} service with the property {@value #FILTER} (one
 *       filter or several), optionally {@value #QOS} (default 1) and {@value #CONNECTION} (default: every
 *       connection). robmqtt subscribes while the service is registered, through outages, reconnects and
 *       restarts, and unsubscribes when it goes away.
 * </ul>
 *
 * <p>Delivery is <b>at least once</b> for QoS 1 and 2: a message is acknowledged to the broker only after
 * every listener it went to has returned, so a crash in the middle of a callback gets it delivered again.
 * Listeners are called on a thread of robmqtt's, never on the network thread, one message at a time per
 * listener and in the order they arrived. A slow listener delays only itself; an exception it throws is
 * logged and counted, and the message is acknowledged all the same.
 */
@ConsumerType
public interface MessageListener {

    /** Service property: the topic filter or filters ({@code String} or {@code String[]}) to subscribe to. */
    String FILTER = "mqtt.topic.filter";

    /** Service property: the QoS to subscribe with, 0 to 2; 1 when absent. */
    String QOS = "mqtt.qos";

    /** Service property: the {@code connection.name} to subscribe on; every connection when absent. */
    String CONNECTION = "mqtt.connection.name";

    /** The QoS a subscription has when none is given: 1, as in the original robmqtt. */
    int DEFAULT_QOS = 1;

    /**
     * Called for each message whose topic matches a filter of this listener, once per message even when
     * several of its filters match.
     *
     * @param topic the message's topic
     * @param payload the payload
     * @param qos the QoS the message arrived with
     * @param retain whether it is a retained message the broker kept for the topic
     * @throws Exception to report a failure; it is logged and counted, and changes nothing else
     */
    void messageArrived(String topic, byte[] payload, int qos, boolean retain) throws Exception;
}
