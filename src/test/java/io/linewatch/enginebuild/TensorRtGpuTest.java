package io.linewatch.enginebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.linewatch.config.AccuracyGateConfig;
import io.linewatch.config.CalibrationConfig;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.TensorRtConfig.Precision;
import io.linewatch.config.TensorRtConfig;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.inference.tensorrt.TensorRtAvailability;
import io.linewatch.inference.tensorrt.TensorRtEngine;
import io.linewatch.inference.tensorrt.TensorRtEngines;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.testing.ReferenceTensors;
import io.linewatch.testing.Shipped;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TensorRT on a GPU host (skipped, with the probe's reason, where TensorRT is absent): FP16 and INT8
 * engines of the shipped model are built (INT8 calibrated on the sample clip), their raw outputs
 * match ONNX Runtime's within a tolerance per precision, their detections pass the accuracy gate,
 * and a second start loads the cached engine instead of building it again.
 */
class TensorRtGpuTest {

    @TempDir
    static Path dir;

    /**
     * Without TensorRT these tests are skipped with the probe's reason, except under {@code -Pgpu}
     * (which sets {@code linewatch.gpu=true}): a GPU build that cannot load TensorRT fails them.
     */
    @BeforeEach
    void tensorRtIsHere() {
        TensorRtAvailability.Result probe = TensorRtAvailability.probe();
        if (Boolean.getBoolean("linewatch.gpu")) {
            assertThat(probe.available()).as("-Pgpu, but TensorRT does not load: " + probe.message()).isTrue();
        }
        assumeTrue(probe.available(), () -> "GPU tests skipped: " + probe.message());
    }

    private static ModelConfig model(Precision precision, boolean buildIfMissing) throws Exception {
        ModelConfig m = ConfigLoader.load(Shipped.exampleConfig(Files.createDirectories(dir.resolve("cfg")), null))
                .models().get("conveyor");
        return m.withTensorRt(new TensorRtConfig(precision, dir.resolve("engines").toString(), null, null, null, null,
                null, buildIfMissing, null, null, new CalibrationConfig(List.of(Shipped.CLIP.toString()), 96, 10, null),
                null));
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP16", "INT8"})
    void buildsAnEngineThatMatchesOnnxRuntimeAndASecondStartHitsTheCache(Precision precision) throws Exception {
        ModelConfig building = model(precision, true);
        try (InferenceEngine engine = TensorRtEngines.open("conveyor", building, CalibrationSet::of);
             OnnxRuntimeEngine reference = OnnxRuntimeEngine.open(building)) {
            assertThat(engine).isInstanceOf(TensorRtEngine.class);
            assertThat(engine.signature()).hasToString(reference.signature().toString());
            compareRawOutputs(engine, reference, precision);
            AccuracyGate.Report report = new AccuracyReplay(building, reference, engine)
                    .run(List.of(Shipped.CLIP), 60).report(precision == Precision.FP16 ? AccuracyGateConfig.defaults()
                            : new AccuracyGateConfig(0.1, 0.1, null, null));
            assertThat(report.failures()).as(String.join("\n", report.lines())).isEmpty();
        }
        Path engineFile = onlyEngine(precision);
        FileTime built = Files.getLastModifiedTime(engineFile);

        ModelConfig loading = model(precision, false);
        try (InferenceEngine engine = TensorRtEngines.open("conveyor", loading, CalibrationSet::of)) {
            assertThat(engine).as("a cache hit, not a fallback").isInstanceOf(TensorRtEngine.class);
        }
        assertThat(onlyEngine(precision)).isEqualTo(engineFile);
        assertThat(Files.getLastModifiedTime(engineFile)).as("not rebuilt").isEqualTo(built);
    }

    /** Batch 3 of the recorded input: confident anchors' boxes and every class score, within tolerance. */
    private static void compareRawOutputs(InferenceEngine engine, InferenceEngine reference, Precision precision)
            throws Exception {
        FloatBuffer input = ReferenceTensors.floats("input_b3.bin");
        int floats = reference.signature().outputs().get(0).floats();
        FloatBuffer expected = FrameEventFactory.directFloats(3L * floats);
        FloatBuffer actual = FrameEventFactory.directFloats(3L * floats);
        reference.run(input, expected, 3);
        engine.run(input, actual, 3);
        int rows = (int) reference.signature().outputDims()[0];
        int anchors = (int) reference.signature().outputDims()[1];
        float scoreTolerance = precision == Precision.FP16 ? 0.02f : 0.15f;
        float pixelTolerance = precision == Precision.FP16 ? 1.5f : 10f;
        int confident = 0;
        for (int f = 0; f < 3; f++) {
            for (int a = 0; a < anchors; a++) {
                float best = 0;
                for (int r = 4; r < rows; r++) {
                    int i = f * floats + r * anchors + a;
                    assertThat(actual.get(i)).as("frame %d anchor %d score %d", f, a, r - 4)
                            .isCloseTo(expected.get(i), org.assertj.core.api.Assertions.within(scoreTolerance));
                    best = Math.max(best, expected.get(i));
                }
                if (best >= 0.5f) {
                    confident++;
                    for (int r = 0; r < 4; r++) {
                        int i = f * floats + r * anchors + a;
                        assertThat(actual.get(i)).as("frame %d anchor %d box %d", f, a, r)
                                .isCloseTo(expected.get(i), org.assertj.core.api.Assertions.within(pixelTolerance));
                    }
                }
            }
        }
        assertThat(confident).as("the recorded frames have confident boxes").isPositive();
    }

    private static Path onlyEngine(Precision precision) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("engines"))) {
            List<Path> engines = files.filter(p -> p.getFileName().toString().contains("." + precision + ".")
                    && p.getFileName().toString().endsWith(".engine")).toList();
            assertThat(engines).hasSize(1);
            return engines.get(0);
        }
    }
}
