package io.robmqtt.kura.testapp;

import io.robmqtt.api.MqttPublisher;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Test only: while its configuration exists (PID {@value #PID}, property {@code topic}), publishes numbered QoS 1
 * messages, one every 10 ms, and prints {@code accepted PAYLOAD} for each one publish() accepted, or
 * {@code refused PAYLOAD REASON}. Every run has its own prefix, so the messages of a run after a restart (the
 * package update refreshes this bundle) never repeat those of an earlier one. The test counts what was accepted
 * against what a subscriber received.
 */
@Component(configurationPid = Stream.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public class Stream {
    static final String PID = "io.robmqtt.kura.testapp.stream";

    @interface Config {
        String topic();
    }

    private final Thread thread;
    private volatile boolean running = true;

    @Activate
    public Stream(@Reference MqttPublisher mqtt, Config config) {
        String run = Long.toString(System.currentTimeMillis(), 36);
        thread = new Thread(() -> publish(mqtt, config.topic(), run), "kura-testapp-stream");
        thread.start();
    }

    private void publish(MqttPublisher mqtt, String topic, String run) {
        for (long n = 0; running; n++) {
            String payload = run + "-" + n;
            try {
                mqtt.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1);
                System.out.println("accepted " + payload);
            } catch (RuntimeException e) {
                System.out.println("refused " + payload + " " + e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // the stream's pace, not a synchronisation
        }
    }

    @Deactivate
    void stop() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }
}
