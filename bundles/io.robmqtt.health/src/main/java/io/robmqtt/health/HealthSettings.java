package io.robmqtt.health;

import static io.robmqtt.common.ConfigRead.read;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The health endpoints' configuration, validated: what the components run with.
 *
 * @param path the endpoint's path, without a trailing '/'; {@code /live} and {@code /ready} are under it
 * @param degradedThresholdPercent the queue fill, in percent, from which a connected client is degraded
 */
record HealthSettings(String path, double degradedThresholdPercent) {
    /** One or more /segments of URI characters that need no escaping: a path the HTTP whiteboard takes as is. */
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+/?");

    HealthSettings {
        if (path == null || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("path is '" + path + "'; it must be one or more /segments of letters, "
                    + "digits, '.', '_', '~' or '-' (for example /health)");
        }
        path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!(degradedThresholdPercent >= 0 && degradedThresholdPercent <= 100)) {
            throw new IllegalArgumentException("degraded.threshold.percent is " + degradedThresholdPercent
                    + "; it must be from 0 to 100");
        }
    }

    /** Validates a configuration; a value SCR cannot convert is refused by its property's name too. */
    static HealthSettings from(HealthConfig config) {
        return new HealthSettings(read("path", "text", config::path),
                read("degraded.threshold.percent", "a number", config::degraded_threshold_percent));
    }

    /** The paths the health servlet serves: the endpoint, its /live and its /ready. */
    List<String> endpoints() {
        return List.of(path, path + "/live", path + "/ready");
    }
}
