package io.robmqtt.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.robmqtt.testing.Fuzz;
import io.robmqtt.testing.FuzzSetting;
import io.robmqtt.testing.FuzzText;
import io.robmqtt.testing.FuzzValues;
import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.converter.Converters;

/**
 * Every property of {@code io.robmqtt.health} set to generated values: random text, numbers out of range, wrong
 * types. Each is either applied or refused with an error that names the property and the rule, and the servlet
 * keeps its previous settings and whiteboard registration.
 */
class HealthConfigFuzzTest {
    private static final List<String> PROPERTIES = List.of("path", "degraded.threshold.percent");

    @Test
    void everyUpdateIsAppliedOrRefusedAndTheServletKeepsItsSettings() {
        Dictionary<?, ?>[] registered = new Dictionary<?, ?>[1];
        HealthServlet servlet = new HealthServlet(context(registered), config(Map.of()));
        Fuzz.check("health properties", 5_000, random -> {
            String property = PROPERTIES.get(random.nextInt(PROPERTIES.size()));
            Object value = property.equals("path") && random.nextBoolean() ? "/" + FuzzText.text(random, 4)
                    : FuzzValues.any(random);
            return new FuzzSetting(property, value);
        }, setting -> {
            HealthSettings before = servlet.settings();
            Object patterns = registered[0].get("osgi.http.whiteboard.servlet.pattern");
            Throwable refusal = catchThrowable(() -> HealthSettings.from(config(Map.of(setting.property(), setting.value()))));
            servlet.modified(config(Map.of(setting.property(), setting.value())));
            if (refusal == null) {
                assertThat(servlet.settings()).isEqualTo(HealthSettings.from(config(Map.of(setting.property(), setting.value()))));
                assertThat((String[]) registered[0].get("osgi.http.whiteboard.servlet.pattern"))
                        .containsExactlyElementsOf(servlet.settings().endpoints());
            } else {
                assertThat(refusal).isExactlyInstanceOf(IllegalArgumentException.class);
                assertThat(refusal.getMessage()).contains(setting.property()).contains("must");
                assertThat(servlet.settings()).isEqualTo(before);
                assertThat(registered[0].get("osgi.http.whiteboard.servlet.pattern")).isSameAs(patterns);
            }
        });
    }

    @Test
    void aPathTheWhiteboardWouldNotTakeIsRefused() {
        for (String path : new String[] {"", "/", "health", "/health/*", "/a b", "//x", "/%2e%2e", "/x?y"}) {
            assertThat(catchThrowable(() -> new HealthSettings(path, 80))).as(path)
                    .hasMessageContaining("path is '" + path + "'").hasMessageContaining("must be one or more /segments");
        }
        assertThat(new HealthSettings("/probe/health/", 80).endpoints())
                .containsExactly("/probe/health", "/probe/health/live", "/probe/health/ready");
    }

    private static HealthConfig config(Map<String, Object> properties) {
        return Converters.standardConverter().convert(properties).to(HealthConfig.class);
    }

    /** A bundle context that keeps the properties of the servlet's whiteboard registration. */
    private static BundleContext context(Dictionary<?, ?>[] registered) {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                HealthConfigFuzzTest.class.getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("setProperties")) {
                        registered[0] = (Dictionary<?, ?>) args[0];
                    }
                    return null;
                });
        return (BundleContext) Proxy.newProxyInstance(HealthConfigFuzzTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService")) {
                        registered[0] = (Dictionary<?, ?>) args[2];
                        return registration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

}
