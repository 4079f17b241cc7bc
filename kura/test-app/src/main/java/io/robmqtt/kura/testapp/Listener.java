package io.robmqtt.kura.testapp;

import io.robmqtt.api.MessageListener;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;

/** Test only: a whiteboard listener on {@code kura-test/in/#} that prints {@code received TOPIC PAYLOAD}. */
@Component(property = {MessageListener.FILTER + "=kura-test/in/#", MessageListener.QOS + ":Integer=1"})
public class Listener implements MessageListener {
    @Override
    public void messageArrived(String topic, byte[] payload, int qos, boolean retain) {
        System.out.println("received " + topic + " " + new String(payload, StandardCharsets.UTF_8));
    }
}
