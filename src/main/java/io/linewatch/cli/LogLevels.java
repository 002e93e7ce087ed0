package io.linewatch.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.linewatch.config.LoggingConfig;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** Applies the config's log levels to logback, the root first, then by package or class. */
final class LogLevels {

    private LogLevels() {
    }

    static void apply(LoggingConfig logging) {
        if (!logging.level().isEmpty()) {
            logger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(logging.level()));
        }
        for (Map.Entry<String, String> e : logging.packages().entrySet()) {
            logger(e.getKey()).setLevel(Level.toLevel(e.getValue()));
        }
    }

    private static Logger logger(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }
}
