package io.robmqtt.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The Logback appenders of robmqtt's two files: the key=value log, attached to the root logger, and the JSON
 * lines of metrics and events, attached to the loggers {@value #METRICS} and {@value #EVENTS} only.
 */
final class LogFiles {
    static final String METRICS = "robmqtt.metrics";
    static final String EVENTS = "robmqtt.events";
    private static final String PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level logger=%logger{0} thread=\"%thread\" %msg%n%ex";

    private final LoggerContext context;
    private RollingFileAppender<ILoggingEvent> log;
    private RollingFileAppender<ILoggingEvent> jsonl;

    LogFiles(LoggerContext context) {
        this.context = context;
    }

    synchronized void apply(LoggingConfig config) throws IOException {
        stop();
        Path dir = Path.of(config.log_dir());
        Files.createDirectories(dir);
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern(PATTERN);
        pattern.start();
        log = appender("robmqtt-log", dir.resolve("robmqtt.log"), pattern, config);
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.start();
        jsonl = appender("robmqtt-jsonl", dir.resolve("robmqtt-metrics.jsonl"), json, config);

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(config.log_level()));
        root.addAppender(log);
        for (String name : new String[] {METRICS, EVENTS}) {
            Logger structured = context.getLogger(name);
            structured.setAdditive(false);
            structured.setLevel(Level.INFO);
            structured.addAppender(jsonl);
        }
    }

    private RollingFileAppender<ILoggingEvent> appender(String name, Path file, Encoder<ILoggingEvent> encoder,
            LoggingConfig config) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(config.log_backup_count());
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(new FileSize(config.log_max_bytes()));
        // Logback checks the size at most once a minute by default: a busy file would overshoot by far
        trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(100));
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.start();
        return appender;
    }

    /** The original's level names; CRITICAL is ERROR, WARNING is WARN. */
    static Level level(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "CRITICAL" -> Level.ERROR;
            case "WARNING" -> Level.WARN;
            default -> Level.toLevel(upper, Level.INFO);
        };
    }

    synchronized void stop() {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (log != null) {
            root.detachAppender(log);
            log.stop();
        }
        if (jsonl != null) {
            context.getLogger(METRICS).detachAppender(jsonl);
            context.getLogger(EVENTS).detachAppender(jsonl);
            jsonl.stop();
        }
    }
}
