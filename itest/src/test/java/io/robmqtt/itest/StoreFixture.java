package io.robmqtt.itest;

import io.robmqtt.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Points the store at a database of the test run's own, through ConfigAdmin, as an operator would. */
final class StoreFixture {
    static final String PID = "io.robmqtt.store";
    static final String STORE_BUNDLE = "io.robmqtt.store";

    private StoreFixture() {}

    /** A directory of this framework run's own, so that no run sees another's messages. */
    private static final Path RUN_DIR = createRunDirectory();

    private static Path createRunDirectory() {
        try {
            Path base = Path.of(System.getProperty("robmqtt.itest.dir", "target/itest-data")).toAbsolutePath();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "run-");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path databasePath() {
        return RUN_DIR.resolve("store.db");
    }

    /** Configures the store's database and waits until the store has opened it. */
    static Configuration configure(ConfigurationAdmin cm, Dictionary<String, Object> extra) throws IOException {
        Path db = databasePath();
        Configuration config = cm.getConfiguration(PID, "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("db.path", db.toString());
        for (var keys = extra.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            properties.put(key, extra.get(key));
        }
        config.update(properties);
        Await.until("the store opened " + db, Duration.ofSeconds(20), () -> Files.exists(db));
        return config;
    }

    static Bundle storeBundle(BundleContext context) {
        for (Bundle bundle : context.getBundles()) {
            if (STORE_BUNDLE.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("the bundle " + STORE_BUNDLE + " is not installed");
    }
}
