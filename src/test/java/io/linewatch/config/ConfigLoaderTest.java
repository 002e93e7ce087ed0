package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linewatch.config.Identity;
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
        return ConfigFiles.load(dir, yaml);
    }

    private String error(String yaml) {
        return ConfigFiles.error(dir, yaml);
    }

    @Test
    void fillsDefaultsAndResolvesPathsAgainstTheConfigFolder() throws Exception {
        LinewatchConfig c = load(MINIMAL);
        assertThat(c.cameras().get(0).source()).isEqualTo(dir.resolve("clip.mp4").toString());
        assertThat(c.cameras().get(0).pacing()).isEqualTo(CameraConfig.Pacing.REALTIME);
        ModelConfig m = c.models().get("det");
        assertThat(m.path()).isEqualTo(dir.resolve("det.onnx").toString());
        assertThat(m.layout()).isEqualTo(ModelConfig.Layout.AUTO);
        assertThat(m.batchSize()).isEqualTo(4);
        assertThat(m.preprocess().padValue()).isEqualTo(114);
        assertThat(m.nms().iouThreshold()).isEqualTo(0.45);
        assertThat(c.pipeline().ringSize()).isEqualTo(32);
        assertThat(c.pipeline().stagesAfterInference()).isEqualTo(PipelineConfig.StageThreads.ONE_THREAD);
        assertThat(c.mqtt().topicFor(new Identity(c.site(), "box1"), "cam1")).isEqualTo("linewatch/plant1/box1/cam1/events");
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
        assertThat(m).contains("cameras[0]: unknown key 'fps'").contains("known keys: ").contains(" id, infer_fps, input_format, inspection, loop, max_frame_age_ms, model, motion_gate, pacing, ");
    }

    @Test
    void wrongTypeIsNamedWithItsPath() {
        assertThat(error(MINIMAL + "pipeline:\n  ring_size: lots\n"))
                .contains("pipeline.ring_size: expected an integer, got 'lots'");
        assertThat(error(MINIMAL.replace("path: det.onnx", "path: det.onnx\n    batch_size: [4]")))
                .contains("models.det.batch_size: expected an integer");
    }

    @Test
    void theStagesAfterInferenceTakeAThreadEachWhenAsked() throws Exception {
        assertThat(load(MINIMAL + "pipeline:\n  stages_after_inference: thread_each\n").pipeline()
                .stagesAfterInference()).isEqualTo(PipelineConfig.StageThreads.THREAD_EACH);
        assertThat(error(MINIMAL + "pipeline:\n  stages_after_inference: two\n"))
                .contains("pipeline.stages_after_inference: expected one of [one_thread, thread_each], got 'two'");
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
    void trackerDefaultsAndItsBadValuesAreOneLineAtTheirField() throws Exception {
        TrackerConfig t = load(MINIMAL).models().get("det").tracker();
        assertThat(t.trackBuffer()).isEqualTo(30);
        assertThat(t.minHits()).isEqualTo(3);
        assertThat(t.highScore()).isEqualTo(0.5);
        String tracker = "classes: [product, foreign_object]\n    tracker:\n      ";
        assertThat(load(MINIMAL.replace("classes: [product, foreign_object]", tracker + "track_buffer: 50"))
                .models().get("det").tracker().trackBuffer()).isEqualTo(50);
        assertThat(error(MINIMAL.replace("classes: [product, foreign_object]", tracker + "min_hits: 0")))
                .endsWith("models.det.tracker: needs track_buffer >= 0, min_hits >= 1 and 1 <= max_tracks <= 4096, got 30,"
                        + " 0 and 256").doesNotContain("\n");
        assertThat(error(MINIMAL.replace("classes: [product, foreign_object]", tracker + "low_score: 0.7")))
                .endsWith("models.det.tracker: needs 0 <= low_score <= high_score <= 1, got low_score 0.7, high_score 0.5");
        assertThat(error(MINIMAL.replace("classes: [product, foreign_object]", tracker + "buffer: 5")))
                .contains("models.det.tracker: unknown key 'buffer'");
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

    @Test
    void liveCamerasAreToldBySourceAndGetPlantDefaults() throws Exception {
        LinewatchConfig c = load(MINIMAL.replace("source: clip.mp4", "source: rtsp://10.0.0.7:554/stream1")
                .replace("    model: det", "    model: det\n  - id: usb\n    source: /dev/video0\n    model: det\n"
                        + "    width: 1280\n    height: 720\n    frame_rate: 30\n    input_format: mjpeg"));
        CameraConfig rtsp = c.cameras().get(0);
        assertThat(rtsp.source()).isEqualTo("rtsp://10.0.0.7:554/stream1");
        assertThat(rtsp.kind()).isEqualTo(SourceKind.RTSP);
        assertThat(rtsp.rtspTransport()).isEqualTo(CameraConfig.RtspTransport.TCP);
        assertThat(rtsp.connectTimeoutMs()).isEqualTo(5_000);
        assertThat(rtsp.stallTimeoutMs()).isEqualTo(5_000);
        assertThat(rtsp.reconnectMinMs()).isEqualTo(1_000);
        assertThat(rtsp.reconnectMaxMs()).isEqualTo(30_000);
        assertThat(rtsp.slotWidth() * rtsp.slotHeight()).isEqualTo(1920 * 1080);
        CameraConfig usb = c.cameras().get(1);
        assertThat(usb.source()).isEqualTo("/dev/video0");
        assertThat(usb.kind()).isEqualTo(SourceKind.V4L2);
        assertThat(usb.slotWidth()).isEqualTo(1280);
        assertThat(usb.frameRate()).isEqualTo(30.0);
        assertThat(usb.inputFormat()).isEqualTo("mjpeg");
        assertThat(SourceKind.of("rtsps://cam/x")).isEqualTo(SourceKind.RTSP);
        assertThat(SourceKind.of(dir.resolve("clip.mp4").toString())).isEqualTo(SourceKind.FILE);
    }

    @Test
    void badLiveKeysAreNamedWithTheirField() {
        String rtsp = MINIMAL.replace("source: clip.mp4", "source: rtsp://cam/1");
        assertThat(error(rtsp.replace("    model: det", "    model: det\n    rtsp_transport: http")))
                .endsWith("cameras[0].rtsp_transport: expected one of [tcp, udp], got 'http'");
        assertThat(error(rtsp.replace("    model: det", "    model: det\n    stall_timeout_ms: 10")))
                .endsWith("cameras[0].stall_timeout_ms: must be >= 100, got 10");
        assertThat(error(rtsp.replace("    model: det", "    model: det\n    reconnect_min_ms: 5000\n    reconnect_max_ms: 1000")))
                .endsWith("cameras[0].reconnect_max_ms: must be >= reconnect_min_ms (5000), got 1000");
        assertThat(error(rtsp.replace("    model: det", "    model: det\n    width: 640")))
                .endsWith("cameras[0]: width and height go together: give both or neither");
        assertThat(error(rtsp.replace("    model: det", "    model: det\n    connect_timeout_ms: 0")))
                .endsWith("cameras[0].connect_timeout_ms: must be >= 1, got 0");
    }

    @Test
    void logLevelsByPackageAreReadAndABadLevelIsOneLine() throws Exception {
        LinewatchConfig c = load(MINIMAL + "logging:\n  level: warn\n  packages:\n    io.linewatch.capture: debug\n");
        assertThat(c.logging().level()).isEqualTo("warn");
        assertThat(c.logging().packages()).containsEntry("io.linewatch.capture", "debug");
        assertThat(error(MINIMAL + "logging:\n  packages:\n    io.linewatch.capture: loud\n"))
                .contains("logging: packages.io.linewatch.capture must be one of");
    }

    @Test
    void httpPortOutOfRangeIsOneLine() {
        assertThat(error(MINIMAL + "http:\n  port: 70000\n")).contains("http: port must be 0 (off) or 1..65535, got 70000");
    }

    @Test
    void inferFpsAndMotionGateAreReadWithDefaultsAndBadValuesAreOneLine() throws Exception {
        CameraConfig plain = load(MINIMAL).cameras().get(0);
        assertThat(plain.inferFps()).isNull();
        assertThat(plain.motionGate()).isNull();
        CameraConfig gated = load(MINIMAL.replace("    model: det", "    model: det\n    infer_fps: 2.5\n    motion_gate: {}"))
                .cameras().get(0);
        assertThat(gated.inferFps()).isEqualTo(2.5);
        assertThat(gated.motionGate()).isEqualTo(new MotionGateConfig(2.0, 1000));
        assertThat(error(MINIMAL.replace("    model: det", "    model: det\n    infer_fps: 0")))
                .endsWith("cameras[0].infer_fps: must be > 0 (frames inferred a second; leave it out to infer every frame), got 0.0")
                .doesNotContain("\n");
        assertThat(error(MINIMAL.replace("    model: det", "    model: det\n    motion_gate: {threshold: -1}")))
                .endsWith("cameras[0].motion_gate.threshold: must be >= 0 (largest tile's mean absolute difference,"
                        + " grey levels), got -1.0");
        assertThat(error(MINIMAL.replace("    model: det", "    model: det\n    motion_gate: {max_skip_ms: 0}")))
                .endsWith("cameras[0].motion_gate.max_skip_ms: must be >= 1, got 0");
        assertThat(error(MINIMAL.replace("    model: det", "    model: det\n    motion_gate: {treshold: 3}")))
                .contains("treshold");
    }
}
