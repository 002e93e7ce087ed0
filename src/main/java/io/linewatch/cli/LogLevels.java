package io.linewatch.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.linewatch.config.LoggingConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Applies the config's log levels to logback, the root first, then by package or class. Applied
 * again (a reload), a logger the config no longer names goes back to the level it had before the
 * config first set it.
 */
final class LogLevels {

    /** Each logger's level before a config first set it (null: inherited), by name. */
    private static final Map<String, Level> ORIGINAL = new HashMap<>();

    private LogLevels() {
    }

    static synchronized void apply(LoggingConfig logging) {
        Map<String, String> levels = new LinkedHashMap<>();
        if (!logging.level().isEmpty()) {
            levels.put(org.slf4j.Logger.ROOT_LOGGER_NAME, logging.level());
        }
        levels.putAll(logging.packages());
        ORIGINAL.forEach((name, level) -> {
            if (!levels.containsKey(name)) {
                logger(name).setLevel(level);
            }
        });
        levels.forEach((name, level) -> {
            if (!ORIGINAL.containsKey(name)) {
                ORIGINAL.put(name, logger(name).getLevel());
            }
            logger(name).setLevel(Level.toLevel(level));
        });
    }

    private static Logger logger(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }
}
