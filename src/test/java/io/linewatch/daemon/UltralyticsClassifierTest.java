package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classification export in Ultralytics' form ({@code output0 [B, classes]}, already softmaxed, no
 * class-activation map; a stand-in with fixed probabilities [0.97, 0.01, 0.01, 0.01], see
 * make_test_models.py) runs with the same task: the probabilities are kept as given (softmaxed once
 * more they would be about [0.44, 0.19, 0.19, 0.19]), the map peak is absent, and a camera without
 * regions is classified as one whole-frame region.
 */
class UltralyticsClassifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODEL = Path.of("src/test/resources/models/ultralytics_cls_standin.onnx").toAbsolutePath();
    private static final Path CLIP = Path.of("samples/process.mp4").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void probabilitiesAreKeptAndTheMapIsAbsent() throws Exception {
        Path config = dir.resolve("cls.yaml");
        Files.writeString(config, String.join("\n",
                "site: plant1",
                "node: box1",
                "cameras:",
                "  - id: reactor",
                "    source: " + CLIP,
                "    model: yolo-cls",
                "    pacing: fast",
                "  - id: glasses",
                "    source: " + CLIP,
                "    model: yolo-cls",
                "    pacing: fast",
                "    classification:",
                "      regions:",
                "        - {name: glass_a, x: 52, y: 72, width: 96, height: 96}",
                "        - {name: glass_b, x: 172, y: 72, width: 96, height: 96}",
                "models:",
                "  yolo-cls:",
                "    path: " + MODEL,
                "    task: classification",
                "    classes: [normal, foaming, low_level, discoloured]",
                "mqtt:",
                "  enabled: false",
                "sinks:",
                "  event_log: " + dir.resolve("events.jsonl"),
                "  snapshots_dir: " + dir.resolve("snapshots"),
                ""));
        Path results = dir.resolve("results.jsonl");
        Cli.Result r = Cli.run("replay", "--config", config.toString(), "--detections", results.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(900);
        for (String line : lines) {
            JsonNode frame = JSON.readTree(line);
            JsonNode regions = frame.get("regions");
            boolean whole = frame.get("camera").asText().equals("reactor");
            assertThat(regions).hasSize(whole ? 1 : 2);
            assertThat(regions.get(0).get("region").asText()).isEqualTo(whole ? "frame" : "glass_a");
            for (JsonNode region : regions) {
                assertThat(region.get("state").asText()).isEqualTo("normal");
                assertThat(region.get("probabilities").get("normal").asDouble()).isCloseTo(0.97, within(1e-4));
                assertThat(region.get("probabilities").get("foaming").asDouble()).isCloseTo(0.01, within(1e-4));
                assertThat(region.get("cam_peak").isNull()).isTrue();
            }
        }
    }
}
