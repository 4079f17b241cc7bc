package io.robmqtt.sample.telemetry;

import com.google.gson.Gson;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.StoreException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the system load as a small JSON reading at a fixed interval. publish() returns once the message is
 * stored durably, connected or not: the bundle never handles reconnects, retries or buffering itself.
 */
@Component(configurationPid = "io.robmqtt.sample.telemetry")
@Designate(ocd = TelemetryConfig.class)
public class TelemetryPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryPublisher.class);

    record Reading(long seq, double load, long timestamp) {
    }

    private final Gson gson = new Gson();
    private final AtomicLong seq = new AtomicLong();
    private final MqttPublisher mqtt;
    private final TelemetryConfig config;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "sample-telemetry"));

    @Activate
    public TelemetryPublisher(@Reference(name = "mqtt") MqttPublisher mqtt, TelemetryConfig config) {
        check(config);
        this.mqtt = mqtt;
        this.config = config;
        timer.scheduleAtFixedRate(this::publishReading, 0, config.interval_seconds(), TimeUnit.SECONDS);
    }

    /** @throws IllegalArgumentException naming the property and its rule */
    static void check(TelemetryConfig config) {
        if (config.interval_seconds() < 1) {
            throw new IllegalArgumentException("interval.seconds is " + config.interval_seconds()
                    + "; it must be at least 1");
        }
        if (config.qos() < 0 || config.qos() > 2) {
            throw new IllegalArgumentException("qos is " + config.qos() + "; it must be 0, 1 or 2");
        }
        new io.robmqtt.api.OutgoingMessage(config.topic(), new byte[0], config.qos(), false, 1); // names the rule
    }

    private void publishReading() {
        Reading reading = new Reading(seq.incrementAndGet(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.currentTimeMillis());
        try {
            mqtt.publish(config.topic(), gson.toJson(reading).getBytes(StandardCharsets.UTF_8), config.qos());
        } catch (QueueFullException | StoreException e) {
            // Not accepted: the reading is dropped and the next one tries again.
            LOG.warn("reading {} not accepted: {}", reading.seq(), e.getMessage());
        } catch (RuntimeException e) {
            // Anything else too (a bad topic in the configuration, say): a task that throws is never run again.
            LOG.error("reading {} not published", reading.seq(), e);
        }
    }

    @Deactivate
    void stop() throws InterruptedException {
        timer.shutdownNow();
        if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("the telemetry timer did not stop within 5 s");
        }
    }
}
