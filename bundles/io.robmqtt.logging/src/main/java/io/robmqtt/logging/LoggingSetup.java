package io.robmqtt.logging;

import ch.qos.logback.classic.LoggerContext;
import io.robmqtt.api.ClientStatistics;
import io.robmqtt.api.MqttPublisher;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes robmqtt's log files, forwards every OSGi Log entry to them (org.apache.felix.logback drops them with
 * Logback 1.3 and later), and writes each connection's metrics as JSON lines at an interval: the original's
 * {@code log_metric}. Configuration changes apply live.
 */
@Component(immediate = true, configurationPid = LoggingConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = LoggingConfig.class)
public class LoggingSetup implements LogListener {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingSetup.class);
    private static final Logger METRICS = LoggerFactory.getLogger(LogFiles.METRICS);

    private final LogFiles files;
    private final LogReaderService logReader;
    private final Map<MqttPublisher, Map<String, Object>> connections = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "robmqtt-metrics-log");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> metrics;

    @Activate
    public LoggingSetup(@Reference LogReaderService logReader, LoggingConfig config) throws IOException {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IllegalStateException("robmqtt logging needs Logback as the SLF4J provider; it is "
                    + LoggerFactory.getILoggerFactory().getClass().getName());
        }
        this.files = new LogFiles(context);
        this.logReader = logReader;
        try {
            LoggingRules.check(config);
        } catch (IllegalArgumentException e) {
            LOG.error("event=config_refused pid={} reason=\"{}\": the log files are not set up",
                    LoggingConfig.PID, e.getMessage());
            throw e;
        }
        apply(config);
        logReader.addLogListener(this);
    }

    @Modified
    void modified(LoggingConfig config) throws IOException {
        try {
            LoggingRules.check(config);
        } catch (IllegalArgumentException e) {
            LOG.error("event=config_refused pid={} reason=\"{}\": the log files keep their settings",
                    LoggingConfig.PID, e.getMessage());
            return;
        }
        apply(config);
    }

    @Deactivate
    void deactivate() {
        logReader.removeLogListener(this);
        timer.shutdownNow();
        files.stop();
    }

    private synchronized void apply(LoggingConfig config) throws IOException {
        files.apply(config);
        if (metrics != null) {
            metrics.cancel(false);
        }
        if (config.metrics_interval_seconds() > 0) {
            metrics = timer.scheduleAtFixedRate(this::logMetrics, config.metrics_interval_seconds(),
                    config.metrics_interval_seconds(), TimeUnit.SECONDS);
        }
        LOG.info("event=logging_configured dir={} level={} max_bytes={} backups={}", config.log_dir(),
                config.log_level(), config.log_max_bytes(), config.log_backup_count());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addConnection(MqttPublisher publisher, Map<String, Object> properties) {
        connections.put(publisher, properties);
    }

    void removeConnection(MqttPublisher publisher) {
        connections.remove(publisher);
    }

    private void logMetrics() {
        connections.forEach((publisher, properties) -> {
            ClientStatistics s = publisher.statistics();
            Object name = properties.get(MqttPublisher.CONNECTION_NAME);
            metric("queue_depth", s.offlineQueue().totalMessages(), name);
            metric("inflight_messages", s.inflightMessages(), name);
            metric("connected", s.connected() ? 1 : 0, name);
            metric("messages_published", s.published(), name);
            metric("messages_acknowledged", s.acknowledged(), name);
            metric("reconnects", s.reconnects(), name);
        });
    }

    /**
     * One metric line. Its fields travel in the MDC (Logback's JsonEncoder writes them under {@code mdc}): SLF4J
     * 1.7's API, as in every robmqtt bundle. This timer thread sets no other MDC values, so it clears them after.
     */
    private static void metric(String metric, long value, Object connection) {
        try {
            MDC.put("metric", metric);
            MDC.put("value", Long.toString(value));
            MDC.put("connection", String.valueOf(connection));
            METRICS.info("metric");
        } finally {
            MDC.clear();
        }
    }

    /**
     * Forwards every OSGi Log entry to SLF4J under its logger's name, at its level, the framework's own records
     * of bundle and service events ({@code Events.*}) included. Which entries the Log service records at all is
     * set by its LoggerAdmin (PID org.osgi.service.log.admin; the gateway's conf/ sets ROOT to INFO). They all
     * reach robmqtt.log; the console shows only those at WARN and above (conf/logback.xml).
     */
    @Override
    public void logged(LogEntry entry) {
        Logger target = LoggerFactory.getLogger(entry.getLoggerName() == null ? "osgi" : entry.getLoggerName());
        String bundle = entry.getBundle() == null ? "?" : entry.getBundle().getSymbolicName();
        String message = "bundle=" + bundle + " " + entry.getMessage();
        switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> target.error(message, entry.getException());
            case WARN -> target.warn(message, entry.getException());
            case INFO -> target.info(message, entry.getException());
            default -> target.debug(message, entry.getException());
        }
    }
}
