package io.robmqtt.kura.testapp;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.MqttPublisher;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Test only: {@code app:publish TOPIC PAYLOAD} publishes one QoS 1 message and answers once the broker acknowledged
 * it ({@code acknowledged PAYLOAD in N ms}), or why not, within 10 s.
 */
@Component(service = PublishCommand.class, property = {
    "osgi.command.scope=app",
    "osgi.command.function=publish"
})
public class PublishCommand {
    private final MqttPublisher mqtt;

    @Activate
    public PublishCommand(@Reference MqttPublisher mqtt) {
        this.mqtt = mqtt;
    }

    public String publish(String topic, String payload) throws InterruptedException {
        long start = System.nanoTime();
        try {
            Delivery delivery = mqtt.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1);
            delivery.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return "acknowledged " + payload + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
                    + " ms";
        } catch (TimeoutException e) {
            return "not acknowledged " + payload + " within 10 s";
        } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
            return "not acknowledged " + payload + ": " + e;
        }
    }
}
