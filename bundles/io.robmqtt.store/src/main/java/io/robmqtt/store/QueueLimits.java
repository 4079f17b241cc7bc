package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import java.util.Map;

/** The capacity settings of the store, validated. */
record QueueLimits(int maxQueueSize, long maxQueueBytes, int maxPayloadBytes, long minFreeDiskBytes) {

    /** The largest payload MQTT can carry: the largest Remaining Length less the smallest header. */
    static final int MQTT_MAX_PAYLOAD = 268_435_455;

    QueueLimits {
        if (maxQueueSize < 1) {
            throw new IllegalArgumentException("max.queue.size is " + maxQueueSize + "; it must be at least 1");
        }
        if (maxQueueBytes < 1) {
            throw new IllegalArgumentException("max.queue.bytes is " + maxQueueBytes + "; it must be at least 1");
        }
        if (maxPayloadBytes < 0 || maxPayloadBytes > MQTT_MAX_PAYLOAD) {
            throw new IllegalArgumentException("max.payload.bytes is " + maxPayloadBytes
                    + "; it must be from 0 to " + MQTT_MAX_PAYLOAD + " (the MQTT limit)");
        }
        if (minFreeDiskBytes < 0) {
            throw new IllegalArgumentException("min.free.disk.bytes is " + minFreeDiskBytes + "; it must be at least 0");
        }
        if (maxPayloadBytes > maxQueueBytes) {
            throw new IllegalArgumentException("max.payload.bytes is " + maxPayloadBytes
                    + " but max.queue.bytes is " + maxQueueBytes + "; a payload must fit in the queue");
        }
    }

    /** The limits of {@code config}, whose values SCR converted from {@code given}; refused by name and rule. */
    static QueueLimits from(StoreConfig config, Map<String, ?> given) {
        return new QueueLimits(ConfigValues.wholeNumber("max.queue.size", given, config::max_queue_size),
                ConfigValues.wholeNumber("max.queue.bytes", given, config::max_queue_bytes),
                ConfigValues.wholeNumber("max.payload.bytes", given, config::max_payload_bytes),
                ConfigValues.wholeNumber("min.free.disk.bytes", given, config::min_free_disk_bytes));
    }

    /** Refuses a payload larger than {@code max.payload.bytes}. */
    void checkPayload(OutgoingMessage message) {
        if (message.payload().length > maxPayloadBytes) {
            throw new IllegalArgumentException("payload is " + message.payload().length
                    + " bytes; max.payload.bytes allows at most " + maxPayloadBytes);
        }
    }
}
