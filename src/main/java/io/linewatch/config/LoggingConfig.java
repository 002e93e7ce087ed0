package io.linewatch.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Log levels: the root level and overrides by package or class, e.g. {@code io.linewatch.capture:
 * debug}.
 *
 * @param level    root level; empty keeps the default ({@code LINEWATCH_LOG_LEVEL}, else info)
 * @param packages level by logger name (a package or a class)
 */
public record LoggingConfig(String level, Map<String, String> packages) {

    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    public LoggingConfig {
        level = level == null ? "" : level.toLowerCase(Locale.ROOT);
        packages = packages == null ? Map.of() : Map.copyOf(packages);
        if (!level.isEmpty() && !LEVELS.contains(level)) {
            throw new IllegalArgumentException("level must be one of " + LEVELS + ", got '" + level + "'");
        }
        for (Map.Entry<String, String> e : packages.entrySet()) {
            if (e.getValue() == null || !LEVELS.contains(e.getValue().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("packages." + e.getKey() + " must be one of " + LEVELS + ", got '"
                        + e.getValue() + "'");
            }
        }
    }

    static LoggingConfig defaults() {
        return new LoggingConfig(null, null);
    }
}
