package io.robmqtt.api;

/**
 * Completes a {@link Delivery} whose message waited longer than its expiry and was removed without being sent:
 * the message's own expiry, or the connection's {@code message.expiry.seconds}.
 *
 * @since 1.2
 */
public class MessageExpiredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which message expired, its age and its expiry
     */
    public MessageExpiredException(String message) {
        super(message);
    }
}
