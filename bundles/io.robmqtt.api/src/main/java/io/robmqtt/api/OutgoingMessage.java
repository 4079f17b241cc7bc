package io.robmqtt.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message to publish, validated when it is created: an {@code OutgoingMessage} that exists is one that the
 * MQTT protocol and robmqtt accept.
 *
 * <p>The payload array is copied when the message is created; {@link #payload()} returns the stored array
 * without copying it, so callers must not modify what it returns.
 *
 * @param topic the topic name: not empty, no {@code +} or {@code #} wildcard, no U+0000, no character MQTT
 *     clients refuse ({@link #refusedByMqttClients}), well-formed UTF-16, at most {@value #MAX_TOPIC_BYTES}
 *     bytes in UTF-8
 * @param payload the payload bytes; may be empty, not {@code null}
 * @param qos the MQTT quality of service, {@value #MIN_QOS} to {@value #MAX_QOS}
 * @param retain whether the broker keeps the message as the topic's retained message
 * @param priority the queueing priority, {@value #MIN_PRIORITY} (routine) to {@value #MAX_PRIORITY} (most
 *     important)
 * @param expiry how long the message may wait to be sent, counted from its acceptance: a message older than
 *     this is never sent; {@link Duration#ZERO} for the connection's {@code message.expiry.seconds}. Not
 *     negative, at most {@value #MAX_EXPIRY_DAYS} days, whole milliseconds
 */
public record OutgoingMessage(String topic, byte[] payload, int qos, boolean retain, int priority,
        Duration expiry) {

    /** The longest topic name MQTT allows, in UTF-8 bytes. */
    public static final int MAX_TOPIC_BYTES = 65_535;
    /** The lowest quality of service: at most once. */
    public static final int MIN_QOS = 0;
    /** The highest quality of service: exactly once. */
    public static final int MAX_QOS = 2;
    /** The lowest priority: evicted first when the queue is full. */
    public static final int MIN_PRIORITY = 1;
    /** The highest priority: delivered first, never evicted for a less important message. */
    public static final int MAX_PRIORITY = 10;
    /** The longest expiry a message may have, in days. */
    public static final int MAX_EXPIRY_DAYS = 3650;

    /** A message that expires after the connection's {@code message.expiry.seconds}. */
    public OutgoingMessage(String topic, byte[] payload, int qos, boolean retain, int priority) {
        this(topic, payload, qos, retain, priority, Duration.ZERO);
    }

    /**
     * Validates and creates a message.
     *
     * @throws IllegalArgumentException naming the argument and the rule it broke
     */
    public OutgoingMessage {
        checkTopic(topic);
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null (use an empty array for no payload)");
        }
        payload = payload.clone();
        if (qos < MIN_QOS || qos > MAX_QOS) {
            throw new IllegalArgumentException(
                    "qos is " + qos + "; it must be " + MIN_QOS + ", 1 or " + MAX_QOS);
        }
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority is " + priority + "; it must be from " + MIN_PRIORITY
                    + " (routine) to " + MAX_PRIORITY + " (most important)");
        }
        if (expiry == null || expiry.isNegative() || expiry.compareTo(Duration.ofDays(MAX_EXPIRY_DAYS)) > 0
                || expiry.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("expiry is " + expiry + "; it must be from 0 (the connection's "
                    + "message.expiry.seconds) to " + MAX_EXPIRY_DAYS + " days, in whole milliseconds");
        }
    }

    /** The size this message takes in a queue: its topic's UTF-8 bytes plus its payload bytes. */
    public int sizeBytes() {
        return utf8Length(topic) + payload.length;
    }

    private static void checkTopic(String topic) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#') {
                throw new IllegalArgumentException("topic '" + topic + "' contains the wildcard '" + c
                        + "' at index " + i + "; a published topic must not contain '+' or '#'");
            }
            if (c == '\u0000') {
                throw new IllegalArgumentException(
                        "topic contains U+0000 at index " + i + "; MQTT forbids the null character in topics");
            }
            if (refusedByMqttClients(c)) {
                throw new IllegalArgumentException(String.format("topic contains U+%04X at index %d; a topic "
                        + "must not contain control characters (U+0001 to U+001F, U+007F to U+009F) or the "
                        + "non-characters U+FDD0 to U+FDDF, U+FFFE and U+FFFF, which MQTT clients and brokers "
                        + "refuse", (int) c, i));
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < topic.length()
                        && Character.isLowSurrogate(topic.charAt(i + 1));
                if (!paired) {
                    throw new IllegalArgumentException("topic has an unpaired surrogate at index " + i
                            + "; a topic must be well-formed UTF-8");
                }
                i++;
            }
        }
        int bytes = utf8Length(topic);
        if (bytes > MAX_TOPIC_BYTES) {
            throw new IllegalArgumentException("topic is " + bytes + " bytes in UTF-8; MQTT allows at most "
                    + MAX_TOPIC_BYTES);
        }
    }

    /**
     * Whether MQTT clients (Paho) and brokers (Mosquitto) refuse this character in a topic, a filter or a client
     * id: a control character, or a non-character of the Basic Multilingual Plane.
     *
     * @param c a UTF-16 unit
     * @return true if it is refused
     * @since 1.2
     */
    public static boolean refusedByMqttClients(char c) {
        return (c > '\u0000' && c <= '\u001f') || (c >= '\u007f' && c <= '\u009f') || (c >= '\ufdd0' && c <= '\ufddf')
                || c == '\ufffe' || c == '\uffff';
    }

    private static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutgoingMessage m && qos == m.qos && retain == m.retain
                && priority == m.priority && topic.equals(m.topic) && Arrays.equals(payload, m.payload)
                && expiry.equals(m.expiry);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, qos, retain, priority, expiry) * 31 + Arrays.hashCode(payload);
    }

    /** Describes the message without its payload, which may hold data that does not belong in a log. */
    @Override
    public String toString() {
        return "OutgoingMessage[topic=" + topic + ", payloadBytes=" + payload.length + ", qos=" + qos
                + ", retain=" + retain + ", priority=" + priority + (expiry.isZero() ? "" : ", expiry=" + expiry)
                + "]";
    }
}
