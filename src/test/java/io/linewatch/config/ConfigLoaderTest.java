package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String MINIMAL = """
            site: plant1
            cameras:
              - id: cam1
                source: clip.mp4
                model: det
            models:
              det:
                path: det.onnx
                classes: [product, foreign_object]
            alarms:
              - name: fo
                class: foreign_object
            """;

    @TempDir
    Path dir;

    private LinewatchConfig load(String yaml) throws Exception {
        Path file = dir.resolve("linewatch.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    private String error(String yaml) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
        assertThat(t).isInstanceOf(ConfigException.class);
        assertThat(t.getMessage()).doesNotContain("\n").startsWith(dir.resolve("linewatch.yaml").toString() + ": ");
        return t.getMessage();
    }

    @Test
    void fillsDefaultsAndResolvesPathsAgainstTheConfigFolder() throws Exception {
        LinewatchConfig c = load(MINIMAL);
        assertThat(c.cameras().get(0).source()).isEqualTo(dir.resolve("clip.mp4").toString());
        assertThat(c.cameras().get(0).pacing()).isEqualTo(CameraConfig.Pacing.REALTIME);
        ModelConfig m = c.models().get("det");
        assertThat(m.path()).isEqualTo(dir.resolve("det.onnx").toString());
        assertThat(m.layout()).isEqualTo(ModelConfig.Layout.YOLOV8);
        assertThat(m.batchSize()).isEqualTo(4);
        assertThat(m.preprocess().padValue()).isEqualTo(114);
        assertThat(m.nms().iouThreshold()).isEqualTo(0.45);
        assertThat(c.pipeline().ringSize()).isEqualTo(32);
        assertThat(c.mqtt().topicFor(c.site(), "cam1")).isEqualTo("linewatch/plant1/cam1/events");
        assertThat(c.mqtt().qos()).isEqualTo(1);
        assertThat(c.alarms().get(0).raiseHits()).isEqualTo(3);
    }

    @Test
    void theShippedExampleIsValid() throws Exception {
        LinewatchConfig c = ConfigLoader.load(Path.of("deploy/examples/conveyor.yaml"));
        assertThat(c.cameras()).hasSize(1);
        assertThat(c.models().get("conveyor").nms().confidenceFor("foreign_object")).isEqualTo(0.3);
    }

    @Test
    void unknownKeyIsNamedWithItsPath() {
        String m = error(MINIMAL.replace("model: det", "model: det\n    fps: 25"));
        assertThat(m).contains("cameras[0]: unknown key 'fps'").contains("known keys: id, loop, max_frame_age_ms, model, pacing, source");
    }

    @Test
    void wrongTypeIsNamedWithItsPath() {
        assertThat(error(MINIMAL + "pipeline:\n  ring_size: lots\n"))
                .contains("pipeline.ring_size: expected an integer, got 'lots'");
        assertThat(error(MINIMAL.replace("path: det.onnx", "path: det.onnx\n    batch_size: [4]")))
                .contains("models.det.batch_size: expected an integer");
    }

    @Test
    void badEnumListsTheChoices() {
        assertThat(error(MINIMAL.replace("model: det", "model: det\n    pacing: slow")))
                .contains("cameras[0].pacing: expected one of [realtime, fast], got 'slow'");
    }

    @Test
    void recordRulesAreReportedAtTheirField() {
        assertThat(error(MINIMAL + "pipeline:\n  ring_size: 100\n"))
                .contains("pipeline: must be a power of two >= 2, got 100");
        assertThat(error(MINIMAL.replace("class: foreign_object", "class: foreign_object\n    raise_hits: 9")))
                .contains("alarms[0]: needs 1 <= raise_hits <= window_frames <= 64");
    }

    @Test
    void brokenReferencesAreNamed() {
        assertThat(error(MINIMAL.replace("model: det", "model: yolo")))
                .endsWith("cameras[0].model: no model named 'yolo' (models: [det])");
        assertThat(error(MINIMAL.replace("class: foreign_object", "class: person")))
                .endsWith("alarms[0].class: no model has a class named 'person'");
        assertThat(error(MINIMAL.replace("  - id: cam1\n    source: clip.mp4\n    model: det\n",
                "  - id: cam1\n    source: clip.mp4\n    model: det\n  - id: cam1\n    source: b.mp4\n    model: det\n")))
                .endsWith("cameras[1].id: 'cam1' is used twice");
    }

    @Test
    void malformedYamlAndEmptyOrMissingFiles() {
        assertThat(error("site: plant1\ncameras: a: b\n")).contains("not valid YAML at line 2");
        assertThat(error("")).endsWith("the file is empty");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml")))
                .hasMessage(dir.resolve("nope.yaml") + ": no such file");
    }

    @Test
    void aScalarWhereAMappingBelongs() {
        assertThat(error(MINIMAL + "mqtt: yes\n")).contains("mqtt: expected a mapping (mqtt)");
    }
}
