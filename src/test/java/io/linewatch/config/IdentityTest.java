package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A box's identity: its node defaults to the host name, and site and node are checked like camera ids. */
class IdentityTest {

    private static final String CONFIG = """
            site: plant1
            %s
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
    void theNodeIsTheHostNameUnlessTheConfigNamesIt() throws Exception {
        LinewatchConfig unnamed = ConfigFiles.load(dir, CONFIG.formatted(""));
        assertThat(unnamed.node()).isEqualTo(Identity.hostNode()).matches(Identity.ID_PATTERN);
        String host = Files.readString(Path.of("/etc/hostname")).strip().split("\\.")[0].toLowerCase();
        if (System.getenv("HOSTNAME") == null && host.matches(Identity.ID_PATTERN)) {
            assertThat(unnamed.node()).isEqualTo(host);
        }
        LinewatchConfig named = ConfigFiles.load(dir, CONFIG.formatted("node: line3-box"));
        assertThat(named.identity()).isEqualTo(new Identity("plant1", "line3-box"));
        assertThat(named.mqtt().clientIdFor(named.identity())).isEqualTo("linewatch-plant1-line3-box");
        assertThat(named.mqtt().topicFor(named.identity(), "cam1")).isEqualTo("linewatch/plant1/line3-box/cam1/events");
        assertThat(named.mqtt().stateTopicFor(named.identity(), "cam1")).isEqualTo("linewatch/plant1/line3-box/cam1/state");
        assertThat(named.mqtt().availabilityTopicFor(named.identity())).isEqualTo("linewatch/plant1/line3-box/availability");
        assertThat(named.mqtt().statusTopicFor(named.identity())).isEqualTo("linewatch/plant1/line3-box/status");
    }

    @Test
    void aNodeOrSiteThatCannotBeATopicLevelIsOneLine() {
        assertThat(ConfigFiles.error(dir, CONFIG.formatted("node: \"line/3\""))).endsWith(
                "node: 'line/3' may hold only letters, digits, '_', '.' and '-' (it is a level of every MQTT topic)");
        assertThat(ConfigFiles.error(dir, CONFIG.formatted("node: box").replace("site: plant1", "site: \"plant #1\"")))
                .contains("site: 'plant #1' may hold only letters, digits");
    }

    @Test
    void theFirstLayoutStaysAvailableByItsTemplates() throws Exception {
        LinewatchConfig v1 = ConfigFiles.load(dir, CONFIG.formatted("""
                node: box
                mqtt:
                  client_id: linewatch-plant1
                  topic: linewatch/{site}/{camera}/events
                  state_topic: linewatch/{site}/{camera}/state
                  availability_topic: linewatch/{site}/availability"""));
        assertThat(v1.mqtt().clientIdFor(v1.identity())).isEqualTo("linewatch-plant1");
        assertThat(v1.mqtt().topicFor(v1.identity(), "cam1")).isEqualTo("linewatch/plant1/cam1/events");
        assertThat(v1.mqtt().availabilityTopicFor(v1.identity())).isEqualTo("linewatch/plant1/availability");
    }
}
