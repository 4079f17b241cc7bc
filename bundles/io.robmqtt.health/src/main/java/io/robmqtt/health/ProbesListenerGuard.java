package io.robmqtt.health;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.servlet.whiteboard.Preprocessor;

/**
 * Keeps the probes listener to the probes. The container opens a second HTTP listener on every interface, the
 * Felix HTTP instance named {@value #LISTENER}, so that an orchestrator's probes and a Prometheus scraper reach
 * the gateway, while the main listener, with the Web Console (which can install bundles, so run any code), stays
 * on loopback. On that listener only GET and HEAD of the health endpoints and {@code /metrics} pass, by their
 * exact raw path; everything else answers 404, whatever other servlets the runtime has. Listeners with another
 * name are not touched.
 */
@Component(service = Preprocessor.class, configurationPid = HealthConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = HttpWhiteboardConstants.HTTP_WHITEBOARD_TARGET + "=(" + ProbesListenerGuard.NAME + "="
                + ProbesListenerGuard.LISTENER + ")")
public class ProbesListenerGuard implements Preprocessor {
    /** The HTTP runtime's service property that holds a Felix HTTP instance's name. */
    static final String NAME = "org.apache.felix.http.name";
    /** The name of the probes listener ({@code deploy/conf/org.apache.felix.http-probes.cfg}). */
    static final String LISTENER = "probes";
    static final String METRICS = "/metrics";

    private volatile Set<String> allowed;

    /** Guards with the health path of {@code config}; with an invalid one, nothing passes until it is corrected. */
    @Activate
    public ProbesListenerGuard(HealthConfig config) {
        Set<String> paths;
        try {
            paths = allowed(HealthSettings.from(config));
        } catch (IllegalArgumentException e) { // the health servlet refuses it by name; here it only closes the door
            paths = Set.of();
        }
        this.allowed = paths;
    }

    /** Follows a new health path; an invalid update keeps the paths in force, as the health servlet does. */
    @Modified
    void modified(HealthConfig next) {
        try {
            allowed = allowed(HealthSettings.from(next));
        } catch (IllegalArgumentException e) { // refused and logged by the health servlet
            return;
        }
    }

    private static Set<String> allowed(HealthSettings settings) {
        Set<String> paths = new HashSet<>(settings.endpoints());
        paths.add(METRICS);
        return Set.copyOf(paths);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        boolean read = "GET".equals(http.getMethod()) || "HEAD".equals(http.getMethod());
        if (read && allowed.contains(http.getRequestURI())) {
            chain.doFilter(request, response);
        } else {
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }
}
