package io.robmqtt.client;

/** TLS material that cannot be used: names the property, the file and the problem; never a password. */
final class TlsConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TlsConfigurationException(String message) {
        super(message);
    }

    TlsConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
