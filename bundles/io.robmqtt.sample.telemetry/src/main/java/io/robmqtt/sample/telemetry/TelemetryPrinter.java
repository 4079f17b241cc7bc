package io.robmqtt.sample.telemetry;

import io.robmqtt.api.MessageListener;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whiteboard subscriber: registering a MessageListener with a topic filter is all it takes; every connection
 * (or the one named by mqtt.connection.name) subscribes for it and re-subscribes after each reconnect.
 */
@Component(property = {MessageListener.FILTER + "=demo/#", MessageListener.QOS + ":Integer=1"})
public class TelemetryPrinter implements MessageListener {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryPrinter.class);

    @Override
    public void messageArrived(String topic, byte[] payload, int qos, boolean retain) {
        LOG.info("received {} {}", topic, new String(payload, StandardCharsets.UTF_8));
    }
}
