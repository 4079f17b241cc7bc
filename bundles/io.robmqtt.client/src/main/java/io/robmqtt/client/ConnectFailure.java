package io.robmqtt.client;

import org.eclipse.paho.client.mqttv3.MqttException;

/** Why a connection attempt failed, and whether the broker refused us (CONNACK) or could not be reached. */
record ConnectFailure(boolean refused, String reason) {

    static ConnectFailure of(Throwable failure) {
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
}
