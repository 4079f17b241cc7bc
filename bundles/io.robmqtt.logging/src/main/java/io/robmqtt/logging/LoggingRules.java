package io.robmqtt.logging;

import java.util.List;
import java.util.function.Supplier;

/**
 * The rules of the logging configuration, checked before anything is applied: an invalid value is refused by the
 * property's name and the rule, and the files keep their settings. SCR converts values when they are read, so a
 * value of the wrong type fails at the read; that is a refusal too.
 */
final class LoggingRules {
    static final List<String> LEVELS = List.of("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL");

    private LoggingRules() {}

    /** @throws IllegalArgumentException naming the first property that breaks its rule */
    static void check(LoggingConfig config) {
        String dir = read("log.dir", "a directory path", config::log_dir);
        require(dir != null && !dir.isBlank() && dir.indexOf('\u0000') < 0,
                "log.dir must be a directory path: not empty, no U+0000");
        String level = read("log.level", "one of " + LEVELS, config::log_level);
        require(level != null && LEVELS.contains(level.trim().toUpperCase(java.util.Locale.ROOT)),
                "log.level is " + level + "; it must be one of " + LEVELS);
        long maxBytes = read("log.max.bytes", "a whole number of bytes", config::log_max_bytes);
        require(maxBytes >= 1024, "log.max.bytes is " + maxBytes + "; it must be at least 1024");
        int backups = read("log.backup.count", "a whole number", config::log_backup_count);
        require(backups >= 1 && backups <= 100, "log.backup.count is " + backups + "; it must be from 1 to 100");
        int interval = read("metrics.interval.seconds", "a whole number", config::metrics_interval_seconds);
        require(interval >= 0, "metrics.interval.seconds is " + interval + "; it must be 0 (none) or more");
    }

    private static <T> T read(String property, String rule, Supplier<T> value) {
        try {
            return value.get();
        } catch (RuntimeException e) { // SCR's conversion of a value of the wrong type
            throw new IllegalArgumentException(property + " cannot be read as " + rule + " (" + e.getClass()
                    .getSimpleName() + ")", e);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
