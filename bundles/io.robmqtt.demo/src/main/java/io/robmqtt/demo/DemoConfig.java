package io.robmqtt.demo;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The demo's configuration, PID {@code io.robmqtt.demo}. */
@ObjectClassDefinition(name = "robmqtt demo broker",
        description = "The demo's own MQTT broker on 127.0.0.1, and the connection \"demo\" that uses it.")
@interface DemoConfig {
    @AttributeDefinition(name = "Broker port",
            description = "Port of the demo broker on 127.0.0.1; when it is taken, or 0, a free port is used.",
            min = "0", max = "65535")
    int broker_port() default 1883;
}
