package io.robmqtt.store;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where a relative {@code db.path} is resolved: the data directory the runtime names, else the working directory.
 * Eclipse Kura names its data directory in the property {@value #KURA_DATA} (its SystemService key
 * {@code kura.data}; Kura's launchers set it with {@code -Dkura.data}), and its install directory in
 * {@value #KURA_HOME}, whose {@code data} folder is the same place on a standard install. Kura starts in its install
 * directory, so without this the default {@code ./mqtt_client.db} would land there before anyone configured it.
 */
final class DataDirectory {
    static final String KURA_DATA = "kura.data";
    static final String KURA_HOME = "kura.home";

    private DataDirectory() {}

    /** The data directory named by these framework properties, or null for the working directory. */
    static Path of(UnaryOperator<String> properties) {
        String data = properties.apply(KURA_DATA);
        if (data != null && !data.isBlank()) {
            return Path.of(data.trim());
        }
        String home = properties.apply(KURA_HOME);
        if (home != null && !home.isBlank()) {
            return Path.of(home.trim(), "data");
        }
        return null;
    }

    /** {@code path} itself when absolute or when there is no data directory, else resolved against it. */
    static Path resolve(Path directory, Path path) {
        return directory == null || path.isAbsolute() ? path : directory.resolve(path).normalize();
    }
}
