package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.eval.DetectionMatch;
import io.linewatch.eval.TrackMatch;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job: the shipped clip through the shipped model into a real Mosquitto broker. What a
 * subscriber receives is exactly the event log; every foreign object in the ground truth raises one
 * alarm while it is on the belt; the clean stretches raise none; detections match the ground truth,
 * and their tracks the true tracks (IDF1, MOTA, identity switches).
 */
@Tag("broker")
class ReplayEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ENTRY_FRAMES = 10;

    @TempDir
    Path dir;

    @Test
    void shippedClipRaisesOneAlarmPerForeignObjectAndTheBrokerGetsExactlyTheLog() throws Exception {
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
             MqttCollector subscriber = new MqttCollector(broker.url(), "linewatch/+/+/events")) {
            Path config = Shipped.exampleConfig(dir, broker.url());
            Path detections = dir.resolve("detections.jsonl");
            Cli.Result r = Cli.run("replay", "--config", config.toString(), "--detections", detections.toString(),
                    "--ground-truth", Shipped.GROUND_TRUTH.toString(), Shipped.CLIP.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("ground truth (IoU 0.5): precision").contains("tracks (IoU 0.5): MOTA")
                    .contains("dropped 0 ");

            List<String> logged = Files.readAllLines(dir.resolve("events.jsonl"));
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.payloads().size() >= logged.size());
            assertThat(subscriber.payloads()).containsExactlyInAnyOrderElementsOf(logged);
            assertThat(subscriber.topics()).allMatch("linewatch/plant1/conveyor/events"::equals);

            List<JsonNode> events = new ArrayList<>();
            for (String line : logged) {
                events.add(JSON.readTree(line));
            }
            assertSequenceHasNoGaps(events);
            assertOneRaisePerAppearanceAndNoneOutside(events);
            assertSnapshotsExist(events);

            DetectionMatch.Result match = DetectionMatch.evaluate(Shipped.GROUND_TRUTH, detections, "conveyor", 0.5);
            assertThat(match.precision()).as("precision %s", match).isGreaterThanOrEqualTo(0.9);
            assertThat(match.recall()).as("recall %s", match).isGreaterThanOrEqualTo(0.9);
            TrackMatch.Result tracks = TrackMatch.evaluate(Shipped.GROUND_TRUTH, detections, "conveyor", 0.5);
            assertThat(tracks.idf1()).as("IDF1 %s", tracks).isGreaterThanOrEqualTo(0.9);
            assertThat(tracks.mota()).as("MOTA %s", tracks).isGreaterThanOrEqualTo(0.9);
            assertThat(tracks.idSwitches()).as("identity switches %s", tracks).isLessThanOrEqualTo(2);
        }
    }

    private static void assertSequenceHasNoGaps(List<JsonNode> events) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("seq").asLong()).isEqualTo(i + 1L);
            assertThat(events.get(i).get("schema").asText()).isEqualTo("linewatch.alarm.v1");
        }
        assertThat(events.stream().map(e -> e.get("id").asText()).distinct().count()).isEqualTo(events.size());
    }

    private static void assertOneRaisePerAppearanceAndNoneOutside(List<JsonNode> events) throws Exception {
        JsonNode appearances = JSON.readTree(Shipped.APPEARANCES.toFile()).get("appearances");
        List<JsonNode> raised = events.stream().filter(e -> e.get("type").asText().equals("raised")).toList();
        assertThat(appearances.size()).isGreaterThanOrEqualTo(5);
        for (JsonNode a : appearances) {
            // The ground truth lists an object once 40% of it is in view; an alarm a few frames
            // earlier, as it enters, is still this appearance's (clean stretches are >= 75 frames).
            long first = a.get("first_frame").asLong() - ENTRY_FRAMES;
            long last = a.get("last_frame").asLong();
            long inside = raised.stream().filter(e -> e.get("frame").asLong() >= first
                    && e.get("frame").asLong() <= last).count();
            assertThat(inside).as("alarms raised during appearance %s", a).isEqualTo(1);
        }
        assertThat(raised).as("alarms raised in clean stretches").hasSize(appearances.size());
        for (JsonNode e : raised) {
            assertThat(e.get("class").asText()).isEqualTo("foreign_object");
            assertThat(e.get("score").asDouble()).isGreaterThanOrEqualTo(0.5);
        }
        // Per object (the default): each alarm is one track's, and its track's end clears it.
        List<Integer> tracks = raised.stream().map(e -> e.path("track").asInt()).toList();
        assertThat(tracks).as("track ids of the raised alarms").doesNotContain(0).doesNotHaveDuplicates();
        List<Integer> cleared = events.stream().filter(e -> e.get("type").asText().equals("cleared"))
                .map(e -> e.path("track").asInt()).toList();
        assertThat(cleared).as("track ids of the cleared alarms").containsExactlyElementsOf(tracks);
    }

    private static void assertSnapshotsExist(List<JsonNode> events) throws Exception {
        for (JsonNode e : events) {
            if (e.get("type").asText().equals("raised")) {
                Path snapshot = Path.of(e.get("snapshot").asText());
                assertThat(snapshot).exists();
                var image = ImageIO.read(snapshot.toFile());
                assertThat(image.getWidth()).isEqualTo(640);
                assertThat(image.getHeight()).isEqualTo(360);
            } else {
                assertThat(e.get("snapshot").isNull()).isTrue();
            }
        }
    }
}
