package io.robmqtt.sample.telemetry;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The sample's configuration, PID {@code io.robmqtt.sample.telemetry}. To pick one of several connections, add
 * the DS reference target {@code mqtt.target = (connection.name=NAME)} to this configuration.
 */
@ObjectClassDefinition(name = "robmqtt sample telemetry",
        description = "Publishes a reading through MqttPublisher at a fixed interval (the demo's data source).")
@interface TelemetryConfig {
    @AttributeDefinition(name = "Topic", description = "Topic of the readings.")
    String topic() default "demo/telemetry";

    @AttributeDefinition(name = "Interval", description = "Seconds between two readings.", min = "1")
    int interval_seconds() default 2;

    @AttributeDefinition(name = "QoS", description = "QoS of the readings, 0 to 2.", min = "0", max = "2")
    int qos() default 1;
}
