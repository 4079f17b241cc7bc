package io.robmqtt.health;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The probes listener passes the health endpoints and /metrics, and nothing else: never the Web Console. */
class ProbesListenerGuardTest {

    @Test
    void onlyReadsOfTheProbesPass() throws Exception {
        ProbesListenerGuard guard = new ProbesListenerGuard(config(Map.of()));
        for (String path : new String[] {"/health", "/health/live", "/health/ready", "/metrics"}) {
            assertThat(passes(guard, "GET", path)).as(path).isTrue();
            assertThat(passes(guard, "HEAD", path)).as(path).isTrue();
            assertThat(passes(guard, "POST", path)).as("POST " + path).isFalse();
        }
        for (String path : new String[] {"/system/console", "/system/console/bundles", "/", "/health/",
            "/health/../system/console", "/health/%2e%2e/system/console", "/health;x=1", "/HEALTH", "/metrics/x"}) {
            assertThat(passes(guard, "GET", path)).as(path).isFalse();
        }
    }

    @Test
    void itFollowsTheHealthPathAndKeepsItWhenAnUpdateIsRefused() throws Exception {
        ProbesListenerGuard guard = new ProbesListenerGuard(config(Map.of("path", "/probe")));
        assertThat(passes(guard, "GET", "/probe/live")).isTrue();
        assertThat(passes(guard, "GET", "/health/live")).isFalse();
        guard.modified(config(Map.of("path", "no-slash")));
        assertThat(passes(guard, "GET", "/probe/live")).isTrue();
        guard.modified(config(Map.of("path", "/healthz")));
        assertThat(passes(guard, "GET", "/healthz/ready")).isTrue();
        assertThat(passes(guard, "GET", "/probe/live")).isFalse();
    }

    @Test
    void withAnInvalidPathNothingPasses() throws Exception {
        ProbesListenerGuard guard = new ProbesListenerGuard(config(Map.of("path", "/a b")));
        assertThat(passes(guard, "GET", "/metrics")).isFalse();
        assertThat(passes(guard, "GET", "/system/console")).isFalse();
    }

    private static boolean passes(ProbesListenerGuard guard, String method, String uri) throws Exception {
        int[] status = {0};
        boolean[] passed = {false};
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(getLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getRequestURI" -> uri;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(getLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                    if (m.getName().equals("sendError")) {
                        status[0] = (Integer) args[0];
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        FilterChain chain = (req, res) -> passed[0] = true;
        guard.doFilter(request, response, chain);
        assertThat(passed[0] || status[0] == 404).as("passed, or answered 404").isTrue();
        return passed[0];
    }

    private static ClassLoader getLoader() {
        return ProbesListenerGuardTest.class.getClassLoader();
    }

    private static HealthConfig config(Map<String, Object> properties) {
        return Converters.standardConverter().convert(properties).to(HealthConfig.class);
    }
}
