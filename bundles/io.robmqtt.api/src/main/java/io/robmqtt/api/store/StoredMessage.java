package io.robmqtt.api.store;

import io.robmqtt.api.OutgoingMessage;

/**
 * A message as a store holds it.
 *
 * @param sequence unique within the store, increasing in acceptance order, never reused; it orders messages of
 *     one priority, and a message keeps it when it moves from the offline queue to the inflight store
 * @param message the message
 * @param storedAtMillis when the message was accepted, in milliseconds since the epoch; used only to report
 *     ages, never to order messages
 */
public record StoredMessage(long sequence, OutgoingMessage message, long storedAtMillis) {}
