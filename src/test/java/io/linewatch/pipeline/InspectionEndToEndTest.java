package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.DefectAlarmConfig;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.SeqOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspection job end to end: the shipped inspection clip through the shipped U-Net and the
 * example config's per-class defect rules into a real Mosquitto broker. The subscriber receives
 * exactly the event log; against the clip's ground truth, every defective item raises the alarm of
 * each class it carries and nothing raises while only clean surface is in view; the replay's mask
 * IoU and defect recall meet the model card's goals.
 *
 * <p>Per class, the frames in which the ground truth lists a defect of that class form episodes
 * (frames at most the rule's {@code clear_frames} apart join one episode: the rule cannot clear in
 * between). Each episode must raise its class's alarm exactly once, within the episode; no alarm may
 * be raised outside an episode of its class.
 */
class InspectionEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("deploy/examples/inspection.yaml").toAbsolutePath();
    private static final Path MODEL = Path.of("models/surface-defects.onnx").toAbsolutePath();
    private static final Path CLIP = Path.of("samples/inspection.mp4").toAbsolutePath();
    private static final Path TRUTH = Path.of("samples/inspection.gt.jsonl").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void eachDefectiveItemRaisesItsClassesAlarmsAndCleanSurfaceRaisesNone() throws Exception {
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
             MqttCollector subscriber = new MqttCollector(broker.url(), "linewatch/+/+/+/events")) {
            Path config = config(broker.url());
            Cli.Result r = Cli.run("replay", "--config", config.toString(), "--detections",
                    dir.resolve("regions.jsonl").toString(), "--ground-truth", TRUTH.toString(), CLIP.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("dropped 0 ");
            assertMaskAccuracy(r.out());

            List<String> logged = Files.readAllLines(dir.resolve("events.jsonl")).stream() // the alarms; the
                    .filter(l -> !l.contains("\"linewatch.verdict.v1\"")).toList();      // verdicts: PartVerdictsEndToEndTest
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.distinctPayloads().size() >= logged.size());
            assertThat(subscriber.distinctPayloads()).containsExactlyInAnyOrderElementsOf(logged);
            SeqOrder.assertEachCameraInSeqOrder(subscriber.distinctPayloads());
            assertThat(subscriber.topics()).allMatch("linewatch/plant1/box1/inspection/events"::equals);
            List<JsonNode> events = new ArrayList<>();
            for (String line : logged) {
                events.add(JSON.readTree(line));
            }
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).get("seq").asLong()).isEqualTo(i + 1L);
            }
            assertAlarmsMatchTheGroundTruth(events, ConfigLoader.load(config).defectAlarms());
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
        Path file = dir.resolve("inspection.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /**
     * The model card's goals on the sample clip are mask IoU >= 0.8 and defect recall >= 0.9; the
     * pipeline measures 0.865 and 0.965 (README), so the gates sit just below that: one defect more
     * missed passes, a real loss of accuracy does not.
     */
    private static void assertMaskAccuracy(String out) {
        Matcher m = Pattern.compile("ground truth \\(segmentation, (\\d+) frames\\): mask IoU ([0-9.]+) .*defect recall ([0-9.]+)")
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Double.parseDouble(m.group(2))).as("mask IoU").isGreaterThanOrEqualTo(0.85);
        assertThat(Double.parseDouble(m.group(3))).as("defect recall").isGreaterThanOrEqualTo(0.94);
    }

    /** A class's stretch of frames with a defect of that class in view, and the items those defects are on. */
    private record Episode(String cls, long first, long last, Set<Long> items) {
    }

    private static void assertAlarmsMatchTheGroundTruth(List<JsonNode> events, List<DefectAlarmConfig> rules)
            throws Exception {
        Map<String, String> ruleOfClass = new HashMap<>();
        Map<String, Integer> clearFrames = new HashMap<>();
        for (DefectAlarmConfig rule : rules) {
            ruleOfClass.put(rule.className(), rule.name());
            clearFrames.put(rule.className(), rule.clearFrames());
        }
        Truth truth = Truth.read();
        List<Episode> episodes = truth.episodes(clearFrames);
        List<JsonNode> raised = events.stream().filter(e -> e.get("type").asText().equals("raised")).toList();
        for (Episode ep : episodes) {
            List<Long> inside = raised.stream().filter(e -> e.get("rule").asText().equals(ruleOfClass.get(ep.cls()))
                    && e.get("frame").asLong() >= ep.first() && e.get("frame").asLong() <= ep.last())
                    .map(e -> e.get("frame").asLong()).toList();
            assertThat(inside).as("%s alarms raised during %s", ep.cls(), ep).hasSize(1);
        }
        assertThat(raised).as("alarms raised (each must lie in an episode of its class)").hasSize(episodes.size());
        Set<Long> defective = new TreeSet<>();
        episodes.forEach(ep -> defective.addAll(ep.items()));
        Set<Long> clean = new TreeSet<>(truth.items);
        clean.removeAll(defective);
        assertThat(defective).as("defective items").hasSizeGreaterThanOrEqualTo(4);
        assertThat(clean).as("clean items").isNotEmpty();
        for (JsonNode e : raised) {
            assertThat(e.get("task").asText()).isEqualTo("segmentation");
            assertThat(e.get("regions")).isNotEmpty();
            assertThat(e.get("regions").get(0).get("class").asText()).isEqualTo(e.get("class").asText());
            var image = ImageIO.read(Path.of(e.get("snapshot").asText()).toFile());
            assertThat(image.getWidth()).isEqualTo(384);
            assertThat(image.getHeight()).isEqualTo(288);
        }
    }

    /** The clip's ground truth: per class, the frames with a defect of it, and which items those are on. */
    private static final class Truth {
        final Map<String, TreeMap<Long, Set<Long>>> framesByClass = new HashMap<>();
        final Set<Long> items = new TreeSet<>();

        static Truth read() throws Exception {
            Truth t = new Truth();
            for (String line : Files.readAllLines(TRUTH)) {
                JsonNode frame = JSON.readTree(line);
                long n = frame.get("frame").asLong();
                if (!frame.get("item").isNull()) {
                    t.items.add(frame.get("item").asLong());
                }
                for (JsonNode d : frame.get("defects")) {
                    // A defect names its own item where two items are in view at once; else the frame's.
                    JsonNode item = d.has("item") ? d.get("item") : frame.get("item");
                    t.framesByClass.computeIfAbsent(d.get("class").asText(), c -> new TreeMap<>())
                            .computeIfAbsent(n, f -> new TreeSet<>()).add(item.asLong());
                }
            }
            return t;
        }

        List<Episode> episodes(Map<String, Integer> clearFrames) {
            List<Episode> out = new ArrayList<>();
            framesByClass.forEach((cls, frames) -> {
                long first = -1;
                long last = -1;
                Set<Long> on = new TreeSet<>();
                for (Map.Entry<Long, Set<Long>> f : frames.entrySet()) {
                    if (first >= 0 && f.getKey() - last > clearFrames.get(cls)) {
                        out.add(new Episode(cls, first, last, on));
                        on = new TreeSet<>();
                        first = -1;
                    }
                    if (first < 0) {
                        first = f.getKey();
                    }
                    last = f.getKey();
                    on.addAll(f.getValue());
                }
                if (first >= 0) {
                    out.add(new Episode(cls, first, last, on));
                }
            });
            return out;
        }
    }
}
