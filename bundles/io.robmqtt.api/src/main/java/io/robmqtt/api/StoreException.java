package io.robmqtt.api;

/**
 * Thrown when a message could not be stored durably, for example because the disk is full or read-only. The
 * message was not accepted; nothing already stored was lost.
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and what to do about it
     * @param cause the underlying failure
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
