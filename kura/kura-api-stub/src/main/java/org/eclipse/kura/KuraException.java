package org.eclipse.kura;

/**
 * Compile-time stand-in for Eclipse Kura's checked exception of the same name. Never shipped: the io.robmqtt.kura
 * bundle imports this package from Kura.
 */
public class KuraException extends Exception {
    private static final long serialVersionUID = 1L;

    public KuraException(String message) {
        super(message);
    }
}
