package io.robmqtt.health;

import io.robmqtt.api.MqttPublisher;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HealthServlet: {@code <path>} answers the original robmqtt's JSON with 200 (healthy, degraded) or 503
 * (unhealthy); {@code <path>/live} answers 200 while the runtime and this component run, connected or not, and
 * 503 once a robmqtt thread died of an error ({@code threadFailure} in the statistics): restart the process;
 * {@code <path>/ready} answers 503 while any connection is down. Registered on the HTTP whiteboard by hand, so
 * that its path comes from the configuration.
 */
@Component(name = "io.robmqtt.health.HealthServlet", service = {}, configurationPid = HealthConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HealthConfig.class)
@RequireHttpWhiteboard
public class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(HealthServlet.class);

    private final transient Map<MqttPublisher, Map<String, Object>> connections = new ConcurrentHashMap<>();
    private final transient ServiceRegistration<Servlet> registration;
    private volatile HealthSettings settings;

    /** Starts with {@code config}; an invalid one is refused, naming the property and the rule. */
    @Activate
    public HealthServlet(BundleContext context, HealthConfig config) {
        this.settings = HealthSettings.from(config);
        this.registration = context.registerService(Servlet.class, this, whiteboard(settings));
    }

    /** Applies {@code next}, or refuses it and keeps the settings in force. */
    @Modified
    void modified(HealthConfig next) {
        HealthSettings valid;
        try {
            valid = HealthSettings.from(next);
        } catch (IllegalArgumentException e) {
            LOG.error("event=config_refused pid={} reason=\"{}\": the health endpoints keep their previous settings",
                    HealthConfig.PID, e.getMessage());
            return;
        }
        settings = valid;
        registration.setProperties(whiteboard(valid));
    }

    /** The settings in force. */
    HealthSettings settings() {
        return settings;
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addConnection(MqttPublisher publisher, Map<String, Object> properties) {
        connections.put(publisher, properties);
    }

    void removeConnection(MqttPublisher publisher) {
        connections.remove(publisher);
    }

    private static Dictionary<String, Object> whiteboard(HealthSettings settings) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN,
                settings.endpoints().toArray(String[]::new));
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "robmqtt health");
        return properties;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String endpoint = request.getServletPath();
        List<HealthReport.Connection> snapshot = snapshot();
        double threshold = settings.degradedThresholdPercent();
        HealthReport.Status status = HealthReport.worst(snapshot, threshold);
        if (endpoint.endsWith("/live")) {
            boolean dead = snapshot.stream().anyMatch(c -> !c.statistics().threadFailure().isEmpty());
            write(response, dead ? 503 : 200, dead ? "{\"status\": \"dead\"}" : "{\"status\": \"live\"}");
        } else if (endpoint.endsWith("/ready")) {
            boolean ready = status != HealthReport.Status.UNHEALTHY;
            write(response, ready ? 200 : 503, "{\"status\": \"" + (ready ? "ready" : "not ready") + "\"}");
        } else {
            write(response, status == HealthReport.Status.UNHEALTHY ? 503 : 200,
                    HealthReport.json(snapshot, threshold));
        }
    }

    private List<HealthReport.Connection> snapshot() {
        List<HealthReport.Connection> snapshot = new ArrayList<>();
        connections.forEach((publisher, properties) -> snapshot.add(new HealthReport.Connection(
                String.valueOf(properties.get(MqttPublisher.CONNECTION_NAME)),
                String.valueOf(properties.get("client.id")), publisher.statistics())));
        snapshot.sort(java.util.Comparator.comparing(HealthReport.Connection::name));
        return snapshot;
    }

    private static void write(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(json);
    }
}
