package io.robmqtt.health;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.robmqtt.api.MqttPublisher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/** {@code /metrics}: every connection's metrics in the Prometheus text exposition format (0.0.4). */
@Component(service = jakarta.servlet.Servlet.class)
@HttpWhiteboardServletPattern("/metrics")
@HttpWhiteboardServletName("robmqtt metrics")
public class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Map<MqttPublisher, Map<String, Object>> connections = new ConcurrentHashMap<>();
    private final transient CollectorRegistry registry = new CollectorRegistry();

    public MetricsServlet() {
        registry.register(new ConnectionCollector(connections));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addConnection(MqttPublisher publisher, Map<String, Object> properties) {
        connections.put(publisher, properties);
    }

    void removeConnection(MqttPublisher publisher) {
        connections.remove(publisher);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType(TextFormat.CONTENT_TYPE_004);
        try (Writer writer = response.getWriter()) {
            TextFormat.write004(writer, registry.metricFamilySamples());
        }
    }
}
