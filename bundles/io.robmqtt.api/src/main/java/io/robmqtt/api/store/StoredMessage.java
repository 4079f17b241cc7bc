package io.robmqtt.api.store;

import io.robmqtt.api.OutgoingMessage;

/**
 * A message as a store holds it.
 *
 * @param sequence unique within the store, increasing in acceptance order, never reused; it orders messages of
 *     one priority, and a message keeps it when it moves from the offline queue to the inflight store
 * @param message the message
 * @param storedAtMillis when the message was accepted, in milliseconds since the epoch on the store's clock: the
 *     system clock, less the jumps the store saw it make (see the store's documentation); used for ages and
 *     expiry, never to order messages
 */
public record StoredMessage(long sequence, OutgoingMessage message, long storedAtMillis) {}
