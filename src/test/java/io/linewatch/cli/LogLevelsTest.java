package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.linewatch.config.LoggingConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogLevelsTest {

    @Test
    void packageLevelsFromTheConfigReachLogback() {
        Logger capture = (Logger) LoggerFactory.getLogger("io.linewatch.capture");
        Level before = capture.getLevel();
        try {
            LogLevels.apply(new LoggingConfig(null, Map.of("io.linewatch.capture", "debug")));
            assertThat(capture.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(LoggerFactory.getLogger("io.linewatch.capture.LiveCapture").isDebugEnabled()).isTrue();
            assertThat(LoggerFactory.getLogger("io.linewatch.sinks.Outbox").isDebugEnabled()).isFalse();
        } finally {
            capture.setLevel(before);
        }
    }
}
