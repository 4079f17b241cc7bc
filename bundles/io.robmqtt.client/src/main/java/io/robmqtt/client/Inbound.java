package io.robmqtt.client;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * One received message on its way to listeners: it is acknowledged once every listener it was handed to has
 * returned (or thrown), provided one of them took it; otherwise it goes back to {@link Subscriptions}, to be held
 * for a listener or dropped.
 */
final class Inbound {
    final BrokerLink session;
    final String topic;
    final MqttMessage message;
    private final AtomicInteger remaining = new AtomicInteger();
    private final AtomicBoolean taken = new AtomicBoolean();

    Inbound(BrokerLink session, String topic, MqttMessage message) {
        this.session = session;
        this.topic = topic;
        this.message = message;
    }

    /** The message is handed to {@code listeners} more listeners. */
    void handedTo(int listeners) {
        remaining.addAndGet(listeners);
    }

    /** A listener took the message (its messageArrived returned or threw). */
    void taken() {
        taken.set(true);
    }

    /**
     * One listener is done with the message, or will never run it; true when it was the last, so the message must
     * now be acknowledged (if {@link #wasTaken()}) or go back.
     */
    boolean done() {
        return remaining.decrementAndGet() == 0;
    }

    boolean wasTaken() {
        return taken.get();
    }
}
