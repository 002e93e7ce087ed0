package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.StateAlarmConfig;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.SeqOrder;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process-state job end to end: the shipped sight-glass clip ({@code samples/process.mp4}, two
 * regions) through the shipped classifier and the example config's state rules into a real Mosquitto
 * broker. Against the clip's ground truth: every abnormal episode of a region raises its state's
 * alarm once, at the episode's first frame plus the rule's on-delay (a few frames of slack for the
 * model to follow a change), and clears it at the episode's end plus the off-delay; nothing else
 * raises. Replay's accuracy on the clip is at least 0.97 and the map peak lies in the abnormal
 * region in at least 90 % of abnormal region-frames. Every change of a region's decided state is on
 * its retained topic, and the subscriber receives exactly the event log.
 */
class ProcessEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("deploy/examples/process.yaml").toAbsolutePath();
    private static final Path MODEL = Path.of("models/process-state.onnx").toAbsolutePath();
    private static final Path CLIP = Path.of("samples/process.mp4").toAbsolutePath();
    private static final Path TRUTH = Path.of("samples/process.gt.jsonl").toAbsolutePath();
    private static final double FPS = 10;
    /** Frames the model may take to follow a change of state (its probability crossing a threshold). */
    private static final int SLACK_FRAMES = 4;

    @TempDir
    Path dir;

    @Test
    void abnormalEpisodesRaiseAndClearAtTheirDelaysAndTheReplayMeetsTheCard() throws Exception {
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
             MqttCollector events = new MqttCollector(broker.url(), "linewatch/+/+/+/events");
             MqttCollector states = new MqttCollector(broker.url(), "linewatch/+/+/+/regions/+")) {
            Path config = config(broker.url());
            Cli.Result r = Cli.run("replay", "--config", config.toString(), "--detections",
                    dir.resolve("results.jsonl").toString(), "--ground-truth", TRUTH.toString(), CLIP.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("dropped 0 ");
            assertAccuracy(r.out());

            List<String> logged = Files.readAllLines(dir.resolve("events.jsonl"));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.distinctPayloads().size() >= logged.size());
            assertThat(events.distinctPayloads()).containsExactlyInAnyOrderElementsOf(logged);
            SeqOrder.assertEachCameraInSeqOrder(events.distinctPayloads());
            assertThat(events.topics()).allMatch("linewatch/plant1/box1/reactor/events"::equals);
            List<JsonNode> parsed = new ArrayList<>();
            for (String line : logged) {
                parsed.add(JSON.readTree(line));
            }
            assertAlarmsMatchTheGroundTruth(parsed, ConfigLoader.load(config).stateAlarms());
            assertRegionStates(states);
        }
    }

    private Path config(String brokerUrl) throws Exception {
        String yaml = Files.readString(EXAMPLE)
                .replace("../../models/", MODEL.getParent() + "/")
                .replace("../../samples/", CLIP.getParent() + "/")
                .replace("url: tcp://127.0.0.1:1883", "url: " + brokerUrl)
                .replace("event_log: events.jsonl", "event_log: " + dir.resolve("events.jsonl"))
                .replace("snapshots_dir: snapshots", "snapshots_dir: " + dir.resolve("snapshots"))
                .replace("dir: outbox", "dir: " + dir.resolve("outbox"))
                .replace("site: plant1", "site: plant1\nnode: box1");
        Path file = dir.resolve("process.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static void assertAccuracy(String out) {
        Matcher m = Pattern.compile("ground truth \\(classification, (\\d+) region-frames\\): accuracy ([0-9.]+);"
                + ".*CAM peak in the abnormal region ([0-9.]+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(900);
        assertThat(Double.parseDouble(m.group(2))).as("accuracy on the clip").isGreaterThanOrEqualTo(0.97);
        assertThat(Double.parseDouble(m.group(3))).as("CAM peak in the abnormal region").isGreaterThanOrEqualTo(0.90);
        assertThat(out).contains("confusion (rows true, columns predicted: normal, foaming, low_level, discoloured)");
    }

    /** A region's stretch of frames in one abnormal state. */
    private record Episode(String region, String state, long first, long last) {
    }

    private static void assertAlarmsMatchTheGroundTruth(List<JsonNode> events, List<StateAlarmConfig> rules)
            throws Exception {
        List<Episode> episodes = episodes();
        assertThat(episodes).as("abnormal episodes in the clip").hasSize(4);
        Map<String, StateAlarmConfig> ruleOfState = new HashMap<>();
        for (StateAlarmConfig rule : rules) {
            ruleOfState.put(rule.states().get(0), rule);
        }
        for (Episode ep : episodes) {
            StateAlarmConfig rule = ruleOfState.get(ep.state());
            long raiseAt = ep.first() + Math.round(rule.onDelaySeconds() * FPS);
            long clearAt = ep.last() + 1 + Math.round(rule.offDelaySeconds() * FPS);
            List<JsonNode> raised = matching(events, "raised", rule.name(), ep.region());
            List<JsonNode> cleared = matching(events, "cleared", rule.name(), ep.region());
            assertThat(raised.stream().filter(e -> inside(e, ep.first(), ep.last())).toList())
                    .as("%s raised during %s", rule.name(), ep).hasSize(1);
            JsonNode raise = raised.stream().filter(e -> inside(e, ep.first(), ep.last())).findFirst().orElseThrow();
            assertThat(raise.get("frame").asLong()).as("raised at frame (episode %s)", ep)
                    .isBetween(raiseAt, raiseAt + SLACK_FRAMES);
            JsonNode clear = cleared.stream().filter(e -> e.get("frame").asLong() > ep.last()).findFirst().orElseThrow();
            assertThat(clear.get("frame").asLong()).as("cleared at frame (episode %s)", ep)
                    .isBetween(clearAt, clearAt + SLACK_FRAMES);
            assertThat(raise.get("task").asText()).isEqualTo("classification");
            assertThat(raise.get("state").asText()).isEqualTo(ep.state());
            JsonNode box = raise.get("box");
            JsonNode peak = raise.get("cam_peak");
            assertThat(peak.get(0).asDouble()).isBetween(box.get(0).asDouble(), box.get(2).asDouble());
            assertThat(peak.get(1).asDouble()).isBetween(box.get(1).asDouble(), box.get(3).asDouble());
            BufferedImage image = ImageIO.read(Path.of(raise.get("snapshot").asText()).toFile());
            assertThat(image.getWidth()).isEqualTo(320);
            assertThat(image.getHeight()).isEqualTo(240);
        }
        assertThat(events.stream().filter(e -> e.get("type").asText().equals("raised")).count())
                .as("alarms raised (one per abnormal episode)").isEqualTo(episodes.size());
    }

    private static boolean inside(JsonNode e, long first, long last) {
        return e.get("frame").asLong() >= first && e.get("frame").asLong() <= last;
    }

    private static List<JsonNode> matching(List<JsonNode> events, String type, String rule, String region) {
        return events.stream().filter(e -> e.get("type").asText().equals(type) && e.get("rule").asText().equals(rule)
                && e.get("region").asText().equals(region)).toList();
    }

    /**
     * The retained region topics: both regions published, and the last decided state of each is the
     * clip's last (normal).
     */
    private static void assertRegionStates(MqttCollector states) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> states.payloadsOn(
                "linewatch/plant1/box1/reactor/regions/glass_b").size() >= 5);
        for (String region : List.of("glass_a", "glass_b")) {
            List<String> payloads = states.payloadsOn("linewatch/plant1/box1/reactor/regions/" + region);
            // five states in the clip: the first frame's, then one per change; a flicker would add some
            assertThat(payloads.size()).as("state changes of %s", region).isBetween(5, 7);
            JsonNode last = JSON.readTree(payloads.get(payloads.size() - 1));
            assertThat(last.get("schema").asText()).isEqualTo("linewatch.region_state.v1");
            assertThat(last.get("state").asText()).isEqualTo("normal");
        }
    }

    private static List<Episode> episodes() throws Exception {
        Map<String, Episode> open = new HashMap<>();
        List<Episode> out = new ArrayList<>();
        for (String line : Files.readAllLines(TRUTH)) {
            JsonNode frame = JSON.readTree(line);
            long n = frame.get("frame").asLong();
            for (JsonNode region : frame.get("regions")) {
                String name = region.get("region").asText();
                String state = region.get("state").asText();
                Episode ep = open.get(name);
                if (ep != null && !ep.state().equals(state)) {
                    out.add(ep);
                    open.remove(name);
                    ep = null;
                }
                if (!state.equals("normal")) {
                    open.put(name, ep == null ? new Episode(name, state, n, n) : new Episode(name, state, ep.first(), n));
                }
            }
        }
        out.addAll(open.values());
        return out;
    }
}
