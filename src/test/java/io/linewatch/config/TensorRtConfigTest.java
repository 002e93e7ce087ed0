package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tensorrt section of a model: keys, defaults, relative paths and the batch profile it selects. */
class TensorRtConfigTest {

    private static final String CONFIG = """
            site: plant1
            cameras:
              - id: cam1
                source: clip.mp4
                model: det
            models:
              det:
                path: det.onnx
                classes: [product, foreign_object]
                engine: tensorrt
                batch_size: 4
            %s
            """;

    @TempDir
    Path dir;

    private ModelConfig load(String tensorrt) throws Exception {
        return ConfigFiles.load(dir, CONFIG.formatted(tensorrt.indent(4))).models().get("det");
    }

    private String error(String tensorrt) {
        return ConfigFiles.error(dir, CONFIG.formatted(tensorrt.indent(4)));
    }

    @Test
    void defaultsWhenTheSectionIsLeftOut() throws Exception {
        ModelConfig m = load("");
        assertThat(m.engine()).isEqualTo(ModelConfig.Engine.TENSORRT);
        TensorRtConfig t = m.tensorrt();
        assertThat(t.precision()).isEqualTo(TensorRtConfig.Precision.FP16);
        assertThat(t.engineDir()).isNull();
        assertThat(t.workspaceMb()).isEqualTo(1024);
        assertThat(t.dlaCore()).isNull();
        assertThat(t.buildIfMissing()).isFalse();
        assertThat(t.fallback()).isEqualTo(TensorRtConfig.Fallback.NONE);
        assertThat(t.calibration().frames()).isEqualTo(256);
        assertThat(t.calibration().everyNthFrame()).isEqualTo(5);
        assertThat(t.gate().maxRecallDrop()).isEqualTo(0.02);
        assertThat(t.batchProfile(m.batchSize(), 0)).isEqualTo(new BatchProfile(1, 4, 4));
    }

    @Test
    void readsEveryKeyAndResolvesFilesAgainstTheConfigFolder() throws Exception {
        TensorRtConfig t = load("""
                tensorrt:
                  precision: int8
                  engine_dir: engines
                  min_batch: 8
                  opt_batch: 8
                  max_batch: 8
                  workspace_mb: 512
                  dla_core: 1
                  build_if_missing: true
                  fallback: onnxruntime
                  timing_cache: caches/timing.cache
                  calibration:
                    sources: [clips/a.mp4, /data/frames]
                    frames: 100
                    every_nth_frame: 3
                    cache: caches/det.calib
                  gate:
                    max_precision_drop: 0.01
                    max_recall_drop: 0.03
                    min_mask_iou: 0.8
                    max_temperature_mae_k: 1.5
                    min_top1_agreement: 0.95
                    max_logit_diff: 0.25
                """).tensorrt();
        assertThat(t.precision()).isEqualTo(TensorRtConfig.Precision.INT8);
        assertThat(t.engineDir()).isEqualTo(dir.resolve("engines").toString());
        assertThat(t.batchProfile(4, 0)).isEqualTo(new BatchProfile(8, 8, 8));
        assertThat(t.workspaceMb()).isEqualTo(512);
        assertThat(t.dlaCore()).isEqualTo(1);
        assertThat(t.buildIfMissing()).isTrue();
        assertThat(t.fallback()).isEqualTo(TensorRtConfig.Fallback.ONNXRUNTIME);
        assertThat(t.timingCache()).isEqualTo(dir.resolve("caches/timing.cache").toString());
        assertThat(t.calibration().sources()).containsExactly(dir.resolve("clips/a.mp4").toString(), "/data/frames");
        assertThat(t.calibration().frames()).isEqualTo(100);
        assertThat(t.calibration().everyNthFrame()).isEqualTo(3);
        assertThat(t.calibration().cache()).isEqualTo(dir.resolve("caches/det.calib").toString());
        assertThat(t.gate()).isEqualTo(new AccuracyGateConfig(0.01, 0.03, 0.8, 1.5, 0.95, 0.25));
    }

    @Test
    void aProfileThatCannotRunTheLanesBatchesIsAOneLineConfigError() {
        assertThat(error("tensorrt: {max_batch: 2}")).endsWith(
                "models.det.tensorrt.max_batch: must be >= batch_size (4): the lane runs batches that large, got 2");
        assertThat(error("tensorrt: {min_batch: 0}")).endsWith("models.det.tensorrt.min_batch: must be >= 1, got 0");
        assertThat(error("tensorrt: {opt_batch: 9, max_batch: 8}"))
                .endsWith("models.det.tensorrt.opt_batch: must be within min_batch (1) and max_batch (8), got 9");
        assertThat(error("tensorrt: {min_batch: 6, max_batch: 5}"))
                .endsWith("models.det.tensorrt.max_batch: must be >= min_batch (6), got 5");
    }

    /** A DLA core runs one batch size (issue 18, review item 6): min = opt = max, batch_size by default. */
    @Test
    void aDlaProfileIsOneBatchSize() throws Exception {
        assertThat(load("tensorrt: {precision: fp16, dla_core: 0}").tensorrt().batchProfile(4, 0))
                .isEqualTo(new BatchProfile(4, 4, 4));
        assertThat(error("tensorrt: {precision: fp16, dla_core: 0, min_batch: 4, max_batch: 8}")).endsWith(
                "models.det.tensorrt.dla_core: a DLA engine runs one batch size: min_batch, opt_batch and max_batch"
                        + " must be equal, got 4-null-8");
        assertThat(error("tensorrt: {precision: fp16, dla_core: 0, max_batch: 2}")).endsWith(
                "models.det.tensorrt.max_batch: must be >= batch_size (4): the lane runs batches that large, got 2");
    }

    @Test
    void badValuesAndUnknownKeysAreOneLineErrors() {
        assertThat(error("tensorrt: {precision: fp8}")).contains("models.det.tensorrt.precision")
                .contains("one of [fp32, fp16, int8]");
        assertThat(error("tensorrt: {fallback: cpu}")).contains("models.det.tensorrt.fallback")
                .contains("one of [none, onnxruntime]");
        assertThat(error("tensorrt: {dla_core: -1}")).contains("dla_core must be >= 0");
        assertThat(error("tensorrt: {workspace_mb: 0}")).contains("workspace_mb must be >= 1");
        assertThat(error("tensorrt: {calibration: {every_nth_frame: 0}}")).contains("every_nth_frame must be >= 1");
        assertThat(error("tensorrt: {gate: {min_mask_iou: 1.5}}")).contains("min_mask_iou must be within 0..1");
        assertThat(error("tensorrt: {max_batchsize: 8}")).contains("unknown key 'max_batchsize'")
                .contains("max_batch");
    }

    @Test
    void profileSelection() {
        TensorRtConfig defaults = TensorRtConfig.defaults();
        assertThat(defaults.batchProfile(1, 0)).isEqualTo(new BatchProfile(1, 1, 1));
        assertThat(defaults.batchProfile(8, 0)).isEqualTo(new BatchProfile(1, 8, 8));
        TensorRtConfig minOnly = new TensorRtConfig(null, null, 4, null, null, null, null, null, null, null, null, null);
        assertThat(minOnly.batchProfile(2, 0)).as("min above the batch size").isEqualTo(new BatchProfile(4, 4, 4));
        TensorRtConfig maxOnly = new TensorRtConfig(null, null, null, null, 16, null, null, null, null, null, null, null);
        assertThat(maxOnly.batchProfile(4, 0)).as("tuned for the lane's batch").isEqualTo(new BatchProfile(1, 4, 16));
        assertThat(new BatchProfile(2, 3, 4).covers(1)).isFalse();
        assertThat(new BatchProfile(2, 3, 4).covers(4)).isTrue();
        assertThat(new BatchProfile(1, 4, 8)).hasToString("1-4-8");
    }

    @Test
    void aModelWithAFixedBatchGetsThatBatchOnly() {
        assertThat(TensorRtConfig.defaults().batchProfile(4, 1)).isEqualTo(new BatchProfile(1, 1, 1));
        TensorRtConfig eight = new TensorRtConfig(null, null, null, null, 8, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> eight.batchProfile(4, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensorrt.max_batch: the model's batch is fixed at 1, got 8");
        TensorRtConfig ones = new TensorRtConfig(null, null, 1, 1, 1, null, null, null, null, null, null, null);
        assertThat(ones.batchProfile(4, 1)).isEqualTo(new BatchProfile(1, 1, 1));
    }
}
