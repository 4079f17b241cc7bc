package io.robmqtt.client;

import org.eclipse.paho.client.mqttv3.MqttException;

/** Why a connection attempt failed, and whether the broker refused us (CONNACK) or could not be reached. */
record ConnectFailure(boolean refused, String reason) {

    static ConnectFailure of(Throwable failure, ConnectionSettings settings) {
        if (failure instanceof TlsConfigurationException e) {
            return new ConnectFailure(true, e.getMessage()); // files do not mend themselves: retry at max.backoff
        }
        if (failure instanceof java.util.concurrent.TimeoutException) {
            return new ConnectFailure(false, failure.getMessage()); // a silent broker: it names broker and setting
        }
        String tls = tlsReason(failure, settings);
        if (tls != null) {
            return new ConnectFailure(false, tls);
        }
        if (failure instanceof MqttException e) {
            int code = e.getReasonCode();
            String refusal = switch (code) {
                case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION -> "unacceptable protocol version";
                case MqttException.REASON_CODE_INVALID_CLIENT_ID -> "client id rejected";
                case MqttException.REASON_CODE_BROKER_UNAVAILABLE -> "server unavailable";
                case MqttException.REASON_CODE_FAILED_AUTHENTICATION -> "bad user name or password";
                case MqttException.REASON_CODE_NOT_AUTHORIZED -> "not authorised";
                default -> null;
            };
            if (refusal != null) {
                return new ConnectFailure(true, "broker refused the connection: " + refusal + " (CONNACK " + code + ")");
            }
            Throwable cause = e.getCause();
            return new ConnectFailure(false, e.getMessage() + " (reason " + code + ")"
                    + (cause != null ? ": " + cause : ""));
        }
        return new ConnectFailure(false, String.valueOf(failure));
    }

    /** A handshake failure said plainly, naming the file or setting to look at; null if it was not one. */
    private static String tlsReason(Throwable failure, ConnectionSettings settings) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.cert.CertificateException) {
                String text = String.valueOf(t.getMessage());
                if (text.contains("PKIX") || text.contains("unable to find valid certification path")) {
                    return "TLS: the broker's certificate is not signed by a CA in ca.certs "
                            + (settings.caCerts().isEmpty() ? "(the JVM's trust store)" : settings.caCerts())
                            + " (" + text + ")";
                }
                if (text.contains("No subject alternative") || text.contains("No name matching")) {
                    return "TLS: the broker's certificate does not name the host connected to; fix the host or the "
                            + "certificate, or (tests only) set tls.hostname.verification false (" + text + ")";
                }
                return "TLS handshake failed: " + text;
            }
        }
        return null;
    }
}
