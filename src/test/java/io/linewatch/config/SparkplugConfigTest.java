package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code sinks.sparkplug} keys: defaults, and each bad value a one-line error at its field. */
class SparkplugConfigTest {

    private static final String MINIMAL = """
            site: plant1
            node: box1
            cameras:
              - id: cam1
                source: clip.mp4
                model: det
            models:
              det:
                path: det.onnx
                classes: [product, foreign_object]
            """;

    @TempDir
    Path dir;

    @Test
    void offByDefaultWithTheSiteAsGroupAndItsOwnClientId() throws Exception {
        LinewatchConfig c = ConfigFiles.load(dir, MINIMAL);
        SparkplugConfig s = c.sinks().sparkplug();
        assertThat(s.enabled()).isFalse();
        assertThat(s.groupFor(c.identity())).isEqualTo("plant1");
        assertThat(s.clientIdFor(c.identity())).isEqualTo("linewatch-plant1-box1-spb")
                .isNotEqualTo(c.mqtt().clientIdFor(c.identity()));
        assertThat(s.sampleMillis()).isEqualTo(1000);
        assertThat(s.heartbeatSeconds()).isEqualTo(10);

        SparkplugConfig on = ConfigFiles.load(dir, MINIMAL + "sinks:\n  sparkplug: {enabled: true, group_id: line-3}\n")
                .sinks().sparkplug();
        assertThat(on.enabled()).isTrue();
        assertThat(on.groupFor(c.identity())).isEqualTo("line-3");
    }

    @Test
    void badValuesAreOneLineAtTheirField() {
        assertThat(error("sinks:\n  sparkplug: {enabled: true, group_id: 'a/b'}\n"))
                .endsWith("sinks.sparkplug: group_id: 'a/b' may hold only letters, digits, '_', '.' and '-'"
                        + " (it is a level of every Sparkplug topic)");
        assertThat(error("sinks:\n  sparkplug: {sample_millis: 10}\n"))
                .endsWith("sinks.sparkplug: sample_millis: must be >= 100, got 10");
        assertThat(error("sinks:\n  sparkplug: {heartbeat_seconds: 0}\n"))
                .endsWith("sinks.sparkplug: heartbeat_seconds: must be >= 1, got 0");
        assertThat(error("sinks:\n  sparkplug: {enable: true}\n")).contains("sinks.sparkplug: unknown key 'enable'");
        assertThat(error("mqtt:\n  enabled: false\nsinks:\n  sparkplug: {enabled: true}\n"))
                .endsWith("sinks.sparkplug.enabled: the Sparkplug B edge node publishes to the broker of the mqtt"
                        + " section, which is off (mqtt.enabled: false)");
    }

    private String error(String yaml) {
        String message = ConfigFiles.error(dir, MINIMAL + yaml);
        assertThat(message).doesNotContain("\n");
        return message;
    }
}
