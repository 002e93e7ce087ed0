package io.linewatch.enginebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.RegionConfig;
import io.linewatch.config.SegmentationConfig;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.inference.ModelSignature;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.testing.Clips;
import io.linewatch.testing.Shipped;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validation replay with real engines and clips, the candidate being ONNX Runtime itself (no
 * loss: accepted) or ONNX Runtime with its outputs spoiled on purpose (refused, and the report says
 * what was lost). On a GPU host the candidate is the TensorRT engine; the replay does not change.
 */
class AccuracyReplayTest {

    @TempDir
    Path dir;

    /** A real engine whose outputs are changed after each run. */
    private record Spoiled(InferenceEngine engine, BiConsumer<FloatBuffer[], Integer> spoil) implements InferenceEngine {
        @Override
        public ModelSignature signature() {
            return engine.signature();
        }

        @Override
        public void run(FloatBuffer input, FloatBuffer[] outputs, int batch) throws EngineException {
            engine.run(input, outputs, batch);
            spoil.accept(outputs, batch);
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    private ModelConfig detector() throws Exception {
        return ConfigLoader.load(Shipped.exampleConfig(dir, null)).models().get("conveyor");
    }

    @Test
    void theSameEngineOnBothSidesIsAccepted() throws Exception {
        ModelConfig model = detector();
        try (OnnxRuntimeEngine reference = OnnxRuntimeEngine.open(model);
             OnnxRuntimeEngine candidate = OnnxRuntimeEngine.open(model)) {
            AccuracyGate.Report r = new AccuracyReplay(model, reference, candidate).run(List.of(Shipped.CLIP), 30)
                    .report(model.tensorrt().gate());
            assertThat(r.frames()).isEqualTo(30);
            assertThat(r.precision()).isEqualTo(1.0);
            assertThat(r.recall()).isEqualTo(1.0);
            assertThat(r.accepted()).isTrue();
        }
    }

    @Test
    void boxesMovedByMoreThanHalfTheirSizeAreLostAndTheEngineIsRefused() throws Exception {
        ModelConfig model = detector();
        try (OnnxRuntimeEngine reference = OnnxRuntimeEngine.open(model);
             InferenceEngine candidate = new Spoiled(OnnxRuntimeEngine.open(model), (out, batch) -> {
                 // YOLOv8 [4 + classes, anchors]: row 0 is the box centre's x, row 2 its width.
                 int anchors = (int) reference.signature().outputDims()[1];
                 for (int a = 0; a < anchors; a++) {
                     out[0].put(a, out[0].get(a) + out[0].get(2 * anchors + a));
                 }
             })) {
            AccuracyGate.Report r = new AccuracyReplay(model, reference, candidate).run(List.of(Shipped.CLIP), 20)
                    .report(model.tensorrt().gate());
            assertThat(r.frames()).isEqualTo(20);
            assertThat(r.precision()).isZero();
            assertThat(r.recall()).isZero();
            assertThat(r.failures()).containsExactly("detection precision dropped by 1.0000 (limit 0.0200)",
                    "detection recall dropped by 1.0000 (limit 0.0200)");
        }
    }

    @Test
    void segmentationMasksAreComparedOnTheirForeground() throws Exception {
        Path clip = dir.resolve("surface.mkv");
        Clips.writeFfv1(clip, 96, 64, 6, new ArrayList<>());
        ModelConfig model = new ModelConfig("src/test/resources/models/tiny_mask.onnx", ModelConfig.Task.SEGMENTATION,
                null, List.of("red", "blue"), null, 1, 1, null, null, null, null,
                new SegmentationConfig(0.5, null, null), null);
        try (OnnxRuntimeEngine reference = OnnxRuntimeEngine.open(model);
             OnnxRuntimeEngine same = OnnxRuntimeEngine.open(model);
             InferenceEngine noBlue = new Spoiled(OnnxRuntimeEngine.open(model), (out, batch) -> {
                 for (int i = 32 * 32; i < 2 * 32 * 32; i++) {
                     out[0].put(i, 0f);
                 }
             })) {
            AccuracyGate.Report identical = new AccuracyReplay(model, reference, same).run(List.of(clip), 6)
                    .report(model.tensorrt().gate());
            assertThat(identical.maskIou()).isEqualTo(1.0);
            assertThat(identical.accepted()).isTrue();
            AccuracyGate.Report spoiled = new AccuracyReplay(model, reference, noBlue).run(List.of(clip), 6)
                    .report(model.tensorrt().gate());
            assertThat(spoiled.maskIou()).isLessThan(0.9).isGreaterThan(0.0);
            assertThat(spoiled.failures()).singleElement().asString().startsWith("mask IoU 0.");
        }
    }

    /**
     * The shipped process-state classifier on the sight glasses of the shipped clip, each glass an
     * image: against itself every top state agrees and no logit moves; a candidate whose normal and
     * foaming scores are swapped (the clip starts normal) loses every top state and is refused; a
     * region past the clip's frame is named.
     */
    @Test
    void aClassifierIsComparedOnItsRegionsByTopStateAndLogits() throws Exception {
        LinewatchConfig config = ConfigLoader.load(Path.of("deploy/examples/process.yaml"));
        ModelConfig model = config.models().get("process");
        List<RegionConfig> glasses = config.cameras().get(0).classification().regions();
        Path clip = Path.of("samples/process.mp4");
        try (OnnxRuntimeEngine reference = OnnxRuntimeEngine.open(model);
             OnnxRuntimeEngine same = OnnxRuntimeEngine.open(model);
             InferenceEngine swapped = new Spoiled(OnnxRuntimeEngine.open(model), (out, batch) -> {
                 int scores = io.linewatch.postprocess.ClassifyHandler.scoresOutput(reference.signature().outputs()
                         .stream().map(ModelSignature.Output::dims).toList(), 4);
                 for (int i = 0; i < batch; i++) {
                     float normal = out[scores].get(i * 4);
                     out[scores].put(i * 4, out[scores].get(i * 4 + 1));
                     out[scores].put(i * 4 + 1, normal);
                 }
             })) {
            AccuracyGate.Report r = new AccuracyReplay(model, reference, same, glasses).run(List.of(clip), 20)
                    .report(model.tensorrt().gate());
            assertThat(r.frames()).isEqualTo(20);
            assertThat(r.images()).isEqualTo(40);
            assertThat(r.top1Agreement()).isEqualTo(1.0);
            assertThat(r.maxLogitDiff()).isZero();
            assertThat(r.accepted()).isTrue();

            AccuracyGate.Report bad = new AccuracyReplay(model, reference, swapped, glasses).run(List.of(clip), 20)
                    .report(model.tensorrt().gate());
            assertThat(bad.top1Agreement()).isZero();
            assertThat(bad.failures()).hasSize(2).first().asString()
                    .isEqualTo("classification top-1 agreement 0.0000 is below 0.9900 (0 of 40 images)");
            assertThat(bad.failures().get(1)).startsWith("max logit difference ");

            List<RegionConfig> outside = List.of(new RegionConfig("glass_c", 300, 72, 96, 96));
            assertThatThrownBy(() -> new AccuracyReplay(model, reference, same, outside).run(List.of(clip), 5))
                    .isInstanceOf(EngineException.class).hasMessage("validation clips: region glass_c (x 300, y 72,"
                            + " 96x96) is past the edge of a 320x240 frame");
        }
    }

    @Test
    void aThermalModelIsNotReplayedYet() throws Exception {
        ModelConfig model = new ModelConfig("src/test/resources/models/one_channel_input.onnx", ModelConfig.Task.THERMAL,
                null, List.of("hotspot"), null, 1, 1, null, null, null, null, null, null);
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(model)) {
            assertThatThrownBy(() -> new AccuracyReplay(model, engine, engine)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("thermal models with 1-channel input are not supported yet");
        }
    }
}
