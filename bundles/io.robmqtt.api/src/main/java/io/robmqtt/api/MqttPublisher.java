package io.robmqtt.api;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Publishes MQTT messages through one robmqtt connection, durably.
 *
 * <p>robmqtt registers one {@code MqttPublisher} service per configured connection, with the service property
 * {@value #CONNECTION_NAME}; pick one with a target filter such as
 * {@code @Reference(target = "(connection.name=cloud)")}.
 *
 * <h2>Contract</h2>
 * A {@code publish} call returns only once the message is durably stored: from that moment it survives a
 * broker outage, a network failure and a kill -9 of the JVM, and it is delivered when the broker can be
 * reached (with the store's default durability it also survives a power loss). Otherwise the call throws and
 * nothing was stored:
 * <ul>
 *   <li>{@link IllegalArgumentException} for a bad argument, naming the argument and the rule;
 *   <li>{@link QueueFullException} when the queue is full of messages at least as important as this one;
 *   <li>{@link StoreException} when the store cannot write (disk full, read-only file system).
 * </ul>
 * Delivery is at least once for QoS 1 and 2: a message whose acknowledgement was lost in an outage is sent
 * again, so a subscriber may see it twice. QoS 0 messages are stored and sent once, without acknowledgement.
 *
 * <p>Messages are delivered highest priority first and, within one priority, in the order they were
 * accepted. When the queue is full, a new message displaces the oldest message of the lowest priority strictly
 * below its own; it never displaces one that is as important or more.
 */
@ProviderType
public interface MqttPublisher {

    /** The service property naming the connection a publisher belongs to. */
    String CONNECTION_NAME = "connection.name";

    /** The quality of service of the overloads that take none: 0, as in the original robmqtt. */
    int DEFAULT_QOS = 0;

    /** The retain flag of the overloads that take none: false. */
    boolean DEFAULT_RETAIN = false;

    /** The priority of the overloads that take none: 1, the lowest. */
    int DEFAULT_PRIORITY = OutgoingMessage.MIN_PRIORITY;

    /**
     * Stores a message durably and sends it as soon as the connection allows.
     *
     * @param topic the topic; see {@link OutgoingMessage} for the rules
     * @param payload the payload; at most the store's {@code max.payload.bytes}
     * @param qos 0, 1 or 2
     * @param retain whether the broker retains the message
     * @param priority 1 (routine) to 10 (most important)
     * @return the message's handle, whose {@link Delivery#completion()} tells when it was delivered
     * @throws IllegalArgumentException if an argument breaks a rule; nothing was stored
     * @throws QueueFullException if the queue is full and holds nothing less important; nothing was stored
     * @throws StoreException if the message could not be written durably; nothing was stored
     */
    default Delivery publish(String topic, byte[] payload, int qos, boolean retain, int priority) {
        return publish(topic, payload, qos, retain, priority, Duration.ZERO);
    }

    /**
     * Like {@link #publish(String, byte[], int, boolean, int)}, for a message that is worth sending only for a
     * while: if it has not been handed to the broker within {@code expiry} of its acceptance, it is never sent,
     * and its {@link Delivery#completion()} completes exceptionally with {@link MessageExpiredException}. A
     * message already handed to the broker completes its exchange.
     *
     * @param expiry how long the message may wait, from 1 ms to 3650 days; {@link Duration#ZERO} for the
     *     connection's {@code message.expiry.seconds} (0 there: never)
     * @since 1.2
     */
    Delivery publish(String topic, byte[] payload, int qos, boolean retain, int priority, Duration expiry);

    /**
     * Like {@link #publish(String, byte[], int, boolean, int)} but returns at once, so that one caller can
     * submit many messages without waiting for each to reach the disk: many are then written with one fsync.
     *
     * @return a stage that completes with the handle once the message is durably stored, or exceptionally
     *     with {@link QueueFullException} or {@link StoreException} if it was not stored
     * @throws IllegalArgumentException at once if an argument breaks a rule; nothing was stored
     */
    default CompletionStage<Delivery> publishAsync(String topic, byte[] payload, int qos, boolean retain,
            int priority) {
        return publishAsync(topic, payload, qos, retain, priority, Duration.ZERO);
    }

    /**
     * Like {@link #publishAsync(String, byte[], int, boolean, int)}, with an expiry as in
     * {@link #publish(String, byte[], int, boolean, int, Duration)}.
     *
     * @since 1.2
     */
    CompletionStage<Delivery> publishAsync(String topic, byte[] payload, int qos, boolean retain, int priority,
            Duration expiry);

    /**
     * Publishes with priority {@value #DEFAULT_PRIORITY}.
     *
     * @see #publish(String, byte[], int, boolean, int)
     */
    default Delivery publish(String topic, byte[] payload, int qos, boolean retain) {
        return publish(topic, payload, qos, retain, DEFAULT_PRIORITY);
    }

    /**
     * Publishes without retain, with priority {@value #DEFAULT_PRIORITY}.
     *
     * @see #publish(String, byte[], int, boolean, int)
     */
    default Delivery publish(String topic, byte[] payload, int qos) {
        return publish(topic, payload, qos, DEFAULT_RETAIN, DEFAULT_PRIORITY);
    }

    /**
     * Publishes at QoS {@value #DEFAULT_QOS}, without retain, with priority {@value #DEFAULT_PRIORITY}.
     *
     * @see #publish(String, byte[], int, boolean, int)
     */
    default Delivery publish(String topic, byte[] payload) {
        return publish(topic, payload, DEFAULT_QOS, DEFAULT_RETAIN, DEFAULT_PRIORITY);
    }

    /** A snapshot of this connection's state and queue. */
    ClientStatistics statistics();

    /**
     * Subscribes a listener to a topic filter on this connection, now or, while offline, at the next connect;
     * the subscription is renewed after every reconnect until it is closed.
     *
     * @param filter an MQTT topic filter: {@code +} for one level, {@code #} last for any number, or
     *     {@code $share/group/filter} for a shared subscription
     * @param listener called for each matching message; see {@link MessageListener} for the guarantees
     * @param qos 0, 1 or 2
     * @return the subscription, to close when done
     * @throws IllegalArgumentException for an invalid filter or QoS, naming it and the rule
     */
    Subscription subscribe(String filter, MessageListener listener, int qos);

    /**
     * Subscribes with QoS {@value MessageListener#DEFAULT_QOS}.
     *
     * @see #subscribe(String, MessageListener, int)
     */
    default Subscription subscribe(String filter, MessageListener listener) {
        return subscribe(filter, listener, MessageListener.DEFAULT_QOS);
    }
}
