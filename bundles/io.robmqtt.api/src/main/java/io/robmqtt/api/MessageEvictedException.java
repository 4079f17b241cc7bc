package io.robmqtt.api;

/**
 * Completes a {@link Delivery} whose message was removed from a full offline queue to make room for a more
 * important one.
 */
public class MessageEvictedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was evicted, for which message, and why
     */
    public MessageEvictedException(String message) {
        super(message);
    }
}
