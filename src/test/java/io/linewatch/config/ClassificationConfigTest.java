package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classification cameras (regions), classification models and state alarms in the config; one line per error. */
class ClassificationConfigTest {

    private static final String CONFIG = """
            site: plant1
            cameras:
              - id: belt
                source: belt.mp4
                model: det
              - id: reactor
                source: process.mp4
                model: process
                width: 320
                height: 240
                classification:
                  regions:
                    - {name: glass_a, x: 52, y: 72, width: 96, height: 96}
                    - {name: glass_b, x: 172, y: 72, width: 96, height: 96}
            models:
              det:
                path: det.onnx
                classes: [product, foreign_object]
              process:
                path: process-state.onnx
                task: classification
                classes: [normal, foaming, low_level, discoloured]
                classification: {state_hold_seconds: 1.5}
            state_alarms:
              - name: foam
                states: [foaming]
                regions: [glass_a]
                raise_at: 0.9
                on_delay_seconds: 2
                clear_at: 0.3
                off_delay_seconds: 4
                cooldown_seconds: 10
              - name: abnormal
                states: [foaming, low_level, discoloured]
            """;

    @TempDir
    Path dir;

    private String error(String yaml) {
        return ConfigFiles.error(dir, yaml);
    }

    @Test
    void readsRegionsModelSectionAndRulesAndFillsDefaults() throws Exception {
        LinewatchConfig c = ConfigFiles.load(dir, CONFIG);
        ClassificationCameraConfig reactor = c.cameras().get(1).classification();
        assertThat(reactor.imagesPerFrame()).isEqualTo(2);
        assertThat(reactor.regionName(1)).isEqualTo("glass_b");
        assertThat(c.cameras().get(0).classification().regionName(0)).isEqualTo("frame");
        assertThat(c.models().get("process").task()).isEqualTo(ModelConfig.Task.CLASSIFICATION);
        assertThat(c.models().get("process").classification().stateHoldSeconds()).isEqualTo(1.5);
        StateAlarmConfig foam = c.stateAlarms().get(0);
        assertThat(foam.raiseAt()).isEqualTo(0.9);
        assertThat(foam.offDelaySeconds()).isEqualTo(4.0);
        StateAlarmConfig any = c.stateAlarms().get(1);
        assertThat(any.raiseAt()).isEqualTo(0.8);
        assertThat(any.clearAt()).isEqualTo(0.5);
        assertThat(any.onDelaySeconds()).isEqualTo(1.0);
        assertThat(any.cameras()).isEmpty();
    }

    /**
     * On TensorRT, a frame of the reactor's two regions is an engine call of 2 images and batch_size 4
     * frames one of 8: the profile must run both, or the camera and the field are named.
     */
    @Test
    void tensorRtBatchProfileMustRunTheRegionsOfEveryBatch() throws Exception {
        String trt = CONFIG.replace("    task: classification\n", "    task: classification\n    engine: tensorrt\n"
                + "    batch_size: 4\n");
        assertThat(error(trt)).endsWith("cameras[1] (reactor): 2 region(s) a frame x batch_size 4 = 8 images an engine"
                + " call, past the TensorRT batch profile's 4 (models.process.tensorrt.max_batch: set it to at least 8)")
                .doesNotContain("\n");
        LinewatchConfig fits = ConfigFiles.load(dir, trt.replace("    batch_size: 4\n",
                "    batch_size: 4\n    tensorrt: {max_batch: 8}\n"));
        assertThat(fits.models().get("process").tensorrt().batchProfile(4, 0).max()).isEqualTo(8);
        assertThat(error(trt.replace("    batch_size: 4\n", "    batch_size: 4\n    tensorrt: {min_batch: 4, max_batch: 8}\n")))
                .endsWith("cameras[1] (reactor): 2 region(s) a frame: one frame is an engine call of 2 image(s), below"
                        + " the TensorRT batch profile's 4 (models.process.tensorrt.min_batch: set it to at most 2)");
        assertThat(ConfigFiles.load(dir, CONFIG.replace("    task: classification\n",
                "    task: classification\n    batch_size: 4\n")).models().get("process").engine())
                .as("ONNX Runtime takes any batch").isEqualTo(ModelConfig.Engine.ONNXRUNTIME);
    }

    @Test
    void aRegionPastTheFrameIsNamed() {
        String e = error(CONFIG.replace("{name: glass_b, x: 172", "{name: glass_b, x: 272"));
        assertThat(e).contains("cameras[1].classification.regions[1]: x + width = 368 is past the frame's width 320")
                .doesNotContain("\n");
    }

    @Test
    void regionsOnlyOnClassificationCamerasWithUniqueNames() {
        assertThat(error(CONFIG.replace("name: glass_b", "name: glass_a")))
                .contains("cameras[1].classification.regions[1].name: 'glass_a' is used twice");
        assertThat(error(CONFIG.replace("    model: det\n", "    model: det\n"
                + "    classification: {regions: [{name: a, x: 0, y: 0, width: 8, height: 8}]}\n")))
                .contains("cameras[0].classification: only for cameras of classification models");
        assertThat(error(CONFIG.replace("{name: glass_a, x: 52, y: 72, width: 96,", "{name: glass_a, x: 52, y: 72, width: 0,")))
                .contains("width, height >= 1");
    }

    @Test
    void stateRulesNameStatesOfTheModelAndRegionsOfItsCameras() {
        assertThat(error(CONFIG.replace("states: [foaming]", "states: [boiling]")))
                .contains("state_alarms[0].states: [boiling] are not states of any classification model");
        assertThat(error(CONFIG.replace("regions: [glass_a]", "regions: [glass_c]")))
                .contains("state_alarms[0].regions: no watched camera has a region named 'glass_c'");
        assertThat(error(CONFIG.replace("name: abnormal", "name: foam"))).contains("state_alarms[1].name: 'foam' is used twice");
        assertThat(error(CONFIG.replace("clear_at: 0.3", "clear_at: 0.95"))).contains("0 < clear_at <= raise_at <= 1");
        assertThat(error(CONFIG.replace("regions: [glass_a]", "cameras: [belt]")))
                .contains("state_alarms[0].cameras: 'belt' is not a classification camera");
    }
}
