package io.robmqtt.health;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The health endpoints' configuration, PID {@value #PID}: the only place its defaults are declared. */
@ObjectClassDefinition(name = "robmqtt health",
        description = "HTTP health endpoints: <path> (the original's JSON), <path>/live and <path>/ready.")
public @interface HealthConfig {

    /** The configuration PID. */
    String PID = "io.robmqtt.health";

    @AttributeDefinition(name = "Path", description = "Path of the health endpoint; /live and /ready are under it.")
    String path() default "/health";

    @AttributeDefinition(name = "Degraded threshold (%)",
            description = "A connected client is 'degraded' (HTTP 200) when its offline queue is at or above "
                    + "this percentage of its capacity.", min = "0", max = "100")
    double degraded_threshold_percent() default 80.0;
}
