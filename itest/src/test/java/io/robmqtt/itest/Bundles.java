package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** Bundles the tests stop, start or install: robmqtt's client bundle in this framework, the built sample. */
final class Bundles {
    private Bundles() {}

    /** The io.robmqtt.client bundle of this framework. */
    static Bundle client(BundleContext context) {
        for (Bundle bundle : context.getBundles()) {
            if ("io.robmqtt.client".equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no io.robmqtt.client bundle");
    }

    /** The sample telemetry bundle as the build made it, to install into a gateway jar. */
    static Path sample() throws IOException {
        Path target = Path.of(System.getProperty("robmqtt.repo", "missing"), "bundles", "io.robmqtt.sample.telemetry",
                "target");
        try (Stream<Path> jars = Files.list(target)) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().matches(
                    "io\\.robmqtt\\.sample\\.telemetry-[0-9].*\\.jar") && !p.toString().endsWith("-sources.jar"))
                    .toList();
            assertThat(found).as("the sample bundle built in " + target).hasSize(1);
            return found.get(0);
        }
    }
}
