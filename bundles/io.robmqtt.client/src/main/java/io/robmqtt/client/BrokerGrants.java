package io.robmqtt.client;

import io.robmqtt.common.LogValue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one session's broker granted against what robmqtt asked for, said at WARN where it is less: a subscription
 * refused (SUBACK 0x80) or granted a lower QoS, and a QoS 2 message answered with PUBACK (a broker without QoS 2,
 * as RabbitMQ 3, which routes it at QoS 1). Delivery goes on (at least once); the operator learns why the
 * listeners get less than they asked for.
 */
final class BrokerGrants {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerGrants.class);
    /** The return code of a refused subscription in SUBACK, which Paho also uses as the reason of its failure. */
    private static final int SUBACK_FAILURE = 0x80;

    private final String clientId;
    /** The QoS 2 messages sent and not yet answered. */
    private final Set<Long> sentQos2 = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean qos2Downgraded = new AtomicBoolean();

    BrokerGrants(String clientId) {
        this.clientId = clientId;
    }

    /** A message is about to be sent. */
    void sending(long sequence, int qos) {
        if (qos == 2) {
            sentQos2.add(sequence);
        }
    }

    /** The broker answered the message, or its send failed: {@code token} is null for a failure. */
    void answered(long sequence, IMqttToken token) {
        if (sentQos2.remove(sequence) && token != null && answeredWithPuback(token)
                && qos2Downgraded.compareAndSet(false, true)) {
            LOG.warn("event=qos2_downgraded client_id={}: the broker answered a QoS 2 PUBLISH with PUBACK: it has no "
                    + "QoS 2 (RabbitMQ 3 routes such messages at QoS 1), so QoS 2 messages are delivered at least "
                    + "once, as QoS 1 (said once per session)", LogValue.of(clientId));
        }
    }

    /** Reads the SUBACK of a subscription to {@code filter} at {@code requested} QoS. */
    IMqttActionListener subscription(String filter, int requested) {
        return new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                int[] granted = token.getGrantedQos();
                granted(filter, requested, granted == null || granted.length == 0 ? requested : granted[0]);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable cause) {
                if (cause instanceof MqttException e && e.getReasonCode() == SUBACK_FAILURE) {
                    granted(filter, requested, SUBACK_FAILURE);
                } else {
                    subscribeFailed(filter, cause);
                }
            }
        };
    }

    void subscribeFailed(String filter, Throwable cause) {
        LOG.warn("event=subscribe_failed client_id={} filter={} reason={}: retried at the next connect",
                LogValue.of(clientId), LogValue.of(filter), LogValue.of(String.valueOf(cause)));
    }

    private void granted(String filter, int requested, int granted) {
        if (granted == SUBACK_FAILURE) {
            LOG.warn("event=subscribe_refused client_id={} filter={}: the broker refused the subscription (SUBACK "
                    + "0x80), so nothing of it arrives; check what the broker allows this client (ACL, $share, "
                    + "wildcards); retried at the next connect", LogValue.of(clientId), LogValue.of(filter));
        } else if (granted < requested) {
            LOG.warn("event=subscription_downgraded client_id={} filter={} requested_qos={} granted_qos={}: the "
                    + "broker delivers this filter's messages at QoS {} at most", LogValue.of(clientId),
                    LogValue.of(filter), requested, granted, granted);
        }
    }

    /**
     * Whether the broker's answer that completed {@code token} was a PUBACK. Read by reflection: the answer's
     * type lives in a package of Paho's that its bundle does not export, so a call in plain code would make this
     * bundle import it and fail to resolve.
     */
    private static boolean answeredWithPuback(IMqttToken token) {
        try {
            Object response = IMqttToken.class.getMethod("getResponse").invoke(token);
            return String.valueOf(response).startsWith("PUBACK");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
