package io.linewatch.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A counting line with {@code resume: true} starts a restarted daemon from its last count, through
 * a real Mosquitto broker: the first 150 frames of the shipped clip replayed twice count the products
 * twice over on the line's retained topic (the second run's first count is the first run's last plus
 * one); a line without {@code resume} beside it starts from 0 each time.
 */
@Tag("broker")
class CountResumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "linewatch/plant1/box1/conveyor/counts/";

    @TempDir
    Path dir;

    @Test
    void aResumingLineGoesOnFromItsLastCountAfterARestart() throws Exception {
        Path clip = dir.resolve("first150.mp4");
        Process cut = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-i", Shipped.CLIP.toString(), "-frames:v",
                "150", "-c:v", "libx264", "-crf", "20", clip.toString()).inheritIO().start();
        assertThat(cut.waitFor()).isZero();
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")))) {
            Path config = Shipped.exampleConfig(dir, broker.url(), "    model: conveyor\n", "    model: conveyor\n"
                    + "    counters:\n"
                    + "      - {name: kept, line: [[320, 0], [320, 360]], classes: [product], resume: true}\n"
                    + "      - {name: fresh, line: [[320, 0], [320, 360]], classes: [product]}\n",
                    "snapshots_dir: ", "state_dir: " + dir.resolve("state") + "\n  snapshots_dir: ");
            List<JsonNode> first = run(broker, config, clip).stream()
                    .filter(m -> m.get("counter").asText().equals("kept")).toList();
            long once = count(first.get(first.size() - 1));
            assertThat(once).as("products counted in the first run").isGreaterThanOrEqualTo(2);
            assertThat(dir.resolve("state/counts/conveyor/kept.json")).exists();
            assertThat(dir.resolve("state/counts/conveyor/fresh.json")).doesNotExist();

            List<JsonNode> second = run(broker, config, clip);
            List<JsonNode> kept = second.stream().filter(m -> m.get("counter").asText().equals("kept")).toList();
            List<JsonNode> fresh = second.stream().filter(m -> m.get("counter").asText().equals("fresh")).toList();
            assertThat(count(kept.get(0))).as("the restarted line's first count").isEqualTo(once + 1);
            assertThat(count(kept.get(kept.size() - 1))).isEqualTo(2 * once);
            assertThat(count(fresh.get(0))).as("a line without resume starts from 0").isEqualTo(1);
            assertThat(count(fresh.get(fresh.size() - 1))).isEqualTo(once);
            try (MqttCollector retained = new MqttCollector(broker.url(), TOPIC + "kept")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !retained.payloads().isEmpty());
                assertThat(count(JSON.readTree(retained.payloads().get(0)))).isEqualTo(2 * once);
            }
        }
    }

    /**
     * Replays the clip; returns the count messages of both lines this run published, in order (those
     * the broker retained from the run before are older than its start).
     */
    private static List<JsonNode> run(Mosquitto broker, Path config, Path clip) throws Exception {
        try (MqttCollector counts = new MqttCollector(broker.url(), TOPIC + "+")) {
            Instant start = Instant.now();
            Cli.Result r = Cli.run("replay", "--config", config.toString(), clip.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            int[] seen = {-1};
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                int now = counts.payloads().size();
                boolean settled = now > 0 && now == seen[0];
                seen[0] = now;
                return settled;
            });
            List<JsonNode> messages = new ArrayList<>();
            for (String p : counts.payloads().stream().distinct().toList()) {
                JsonNode m = JSON.readTree(p);
                if (!Instant.parse(m.get("time").asText()).isBefore(start)) {
                    messages.add(m);
                }
            }
            return messages;
        }
    }

    private static long count(JsonNode message) {
        return message.get("counts").get("product").asLong();
    }
}
