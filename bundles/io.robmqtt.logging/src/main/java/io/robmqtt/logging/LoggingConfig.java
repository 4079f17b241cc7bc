package io.robmqtt.logging;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** The log files' configuration, PID {@value #PID}, with the Python original's names and defaults. */
@ObjectClassDefinition(name = "robmqtt logging",
        description = "Rotating log files: robmqtt.log (key=value lines) and robmqtt-metrics.jsonl (metrics and "
                + "events as JSON lines).")
public @interface LoggingConfig {

    /** The configuration PID. */
    String PID = "io.robmqtt.logging";

    @AttributeDefinition(name = "Log directory", description = "Directory of the log files; created readable by "
            + "its owner only.")
    String log_dir() default "./logs";

    @AttributeDefinition(name = "Log level", options = {
        @Option(label = "DEBUG", value = "DEBUG"), @Option(label = "INFO", value = "INFO"),
        @Option(label = "WARNING", value = "WARNING"), @Option(label = "ERROR", value = "ERROR"),
        @Option(label = "CRITICAL", value = "CRITICAL")})
    String log_level() default "INFO";

    @AttributeDefinition(name = "Maximum file size", description = "A log file rotates when it reaches this size "
            + "in bytes.", min = "1024")
    long log_max_bytes() default 10_485_760L;

    @AttributeDefinition(name = "Backups kept", description = "Rotated files kept of each log (name.1 ... name.N).",
            min = "1", max = "100")
    int log_backup_count() default 5;

    @AttributeDefinition(name = "Metrics interval", description = "Seconds between metric lines of each connection "
            + "in the .jsonl file; 0 for none.", min = "0")
    int metrics_interval_seconds() default 60;
}
