package io.robmqtt.api;

/**
 * Thrown when the offline queue is at capacity and holds no message less important than the one offered, so
 * the offered message cannot be stored. Nothing already stored was changed.
 */
public class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the capacity that was reached and the priority that was offered
     */
    public QueueFullException(String message) {
        super(message);
    }
}
