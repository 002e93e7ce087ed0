package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Object events of the shipped clip through a real Mosquitto broker: every message on the objects
 * topic is valid against the shipped JSON Schema; each object is one {@code new}, updates at most
 * once a second of video, one {@code end} (those still in view when the clip ends end with it, at
 * the end-of-source frame); each foreign object of the ground truth is one object,
 * the same track its alarm names; products are about as many objects as the truth has products.
 */
@Tag("broker")
class ObjectEventsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FPS = 25;
    private static final int CLIP_FRAMES = 1000;
    private static final int TRACK_BUFFER = 30;

    @TempDir
    Path dir;

    @Test
    void everyObjectMessageFollowsTheSchemaAndEachObjectIsOneLifecycle() throws Exception {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.readTree(Path.of("docs/schema/object.v1.json").toFile()));
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
             MqttCollector objects = new MqttCollector(broker.url(), "linewatch/+/+/+/objects")) {
            Path config = Shipped.exampleConfig(dir, broker.url());
            Cli.Result r = Cli.run("replay", "--config", config.toString(), Shipped.CLIP.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<JsonNode> alarms = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
                alarms.add(JSON.readTree(line));
            }
            int[] seen = {-1};
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                int now = objects.payloads().size();
                boolean settled = now > 0 && now == seen[0];
                seen[0] = now;
                return settled;
            });

            Map<String, List<JsonNode>> byObject = new LinkedHashMap<>();
            // At least once: a message whose acknowledgement was lost comes again, the same bytes.
            for (String payload : objects.payloads().stream().distinct().toList()) {
                JsonNode m = JSON.readTree(payload);
                List<Error> errors = schema.validate(m);
                assertThat(errors).as("schema errors of %s", payload).isEmpty();
                byObject.computeIfAbsent(m.get("id").asText(), k -> new ArrayList<>()).add(m);
            }
            assertThat(objects.topics()).allMatch("linewatch/plant1/box1/conveyor/objects"::equals);
            for (List<JsonNode> life : byObject.values()) {
                assertLifecycle(life);
            }
            List<List<JsonNode>> unended = byObject.values().stream()
                    .filter(life -> !life.get(life.size() - 1).get("type").asText().equals("end")).toList();
            assertThat(unended).as("objects without an end (those in view when the clip ends end with it)").isEmpty();
            long endedWithTheClip = byObject.values().stream()
                    .filter(life -> life.get(life.size() - 1).get("frame").asLong() == CLIP_FRAMES).count();
            assertThat(endedWithTheClip).as("objects ended by the clip's end: some, at most the true tracks in view in"
                    + " its last track_buffer frames").isBetween(1L, trueTracksFrom(CLIP_FRAMES - TRACK_BUFFER - 1));
            Set<Integer> foreignTracks = new HashSet<>();
            long products = 0;
            for (List<JsonNode> life : byObject.values()) {
                if (life.get(0).get("class").asText().equals("foreign_object")) {
                    foreignTracks.add(life.get(0).get("track").asInt());
                } else {
                    products++;
                }
            }
            JsonNode appearances = JSON.readTree(Shipped.APPEARANCES.toFile()).get("appearances");
            Set<Integer> alarmTracks = new HashSet<>();
            alarms.stream().filter(a -> a.get("type").asText().equals("raised"))
                    .forEach(a -> alarmTracks.add(a.get("track").asInt()));
            assertThat(foreignTracks).as("one object per foreign-object appearance, the alarms' tracks")
                    .hasSize(appearances.size()).isEqualTo(alarmTracks);
            long trueProducts = trueProductTracks();
            assertThat(products).as("product objects against %d true product tracks", trueProducts)
                    .isBetween(trueProducts - 3, trueProducts + 3);
        }
    }

    private static void assertLifecycle(List<JsonNode> life) {
        String what = life.get(0).get("class").asText() + " #" + life.get(0).get("track").asInt();
        assertThat(life.get(0).get("type").asText()).as("first message of %s", what).isEqualTo("new");
        assertThat(life.stream().filter(m -> !m.get("type").asText().equals("update"))).hasSize(2);
        for (int i = 1; i < life.size() - 1; i++) {
            long gap = life.get(i).get("frame").asLong() - life.get(i - 1).get("frame").asLong();
            assertThat(gap).as("frames between updates of %s: %s", what, life).isGreaterThanOrEqualTo(FPS);
        }
        for (JsonNode m : life) {
            assertThat(m.get("track").asInt()).isEqualTo(life.get(0).get("track").asInt());
            assertThat(m.get("best_score").asDouble()).isGreaterThanOrEqualTo(0.5);
            assertThat(Path.of(m.get("snapshot").asText())).as("snapshot of %s", what).exists();
        }
        JsonNode end = life.get(life.size() - 1);
        if (end.get("frame").asLong() < CLIP_FRAMES) { // one confirmed in the clip's last frame ends there too
            assertThat(end.get("last_frame").asLong()).isGreaterThan(end.get("first_frame").asLong());
        }
    }

    /** Tracks of the ground truth seen at or after {@code frame}. */
    private static long trueTracksFrom(long frame) throws Exception {
        Set<Integer> tracks = new HashSet<>();
        for (String line : Files.readAllLines(Shipped.GROUND_TRUTH)) {
            JsonNode f = JSON.readTree(line);
            if (f.get("frame").asLong() >= frame) {
                f.get("objects").forEach(o -> tracks.add(o.get("track").asInt()));
            }
        }
        return tracks.size();
    }

    /** Product tracks of the ground truth seen in at least 5 frames (shorter ones are edge slivers). */
    private static long trueProductTracks() throws Exception {
        Map<Integer, Integer> frames = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Shipped.GROUND_TRUTH)) {
            for (JsonNode o : JSON.readTree(line).get("objects")) {
                if (o.get("class").asText().equals("product")) {
                    frames.merge(o.get("track").asInt(), 1, Integer::sum);
                }
            }
        }
        return frames.values().stream().filter(n -> n >= 5).count();
    }
}
