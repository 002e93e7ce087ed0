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
 * engines of the shipped model are built (INT8 calibrated on the sample clip), the output shapes
 * TensorRT reports are the model's, their raw outputs match ONNX Runtime's within a tolerance per
 * precision at batch 3 and at the profile's full batch of 4, their detections pass the accuracy
 * gate, and a second start loads the cached engine instead of building it again, twice in one
 * process after a build in it. An INT8 rebuild without frames uses the calibration cache, and
 * {@code build-engine --validate} builds, validates and installs. None of this has run yet.
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
            assertThat(((TensorRtEngine) engine).reportedOutputs()).as("the shapes TensorRT's context reports")
                    .hasToString(reference.signature().outputs().toString());
            compareRawOutputs(engine, reference, precision, 3);
            compareRawOutputs(engine, reference, precision, 4); // the profile's full batch
            AccuracyGate.Report report = new AccuracyReplay(building, reference, engine)
                    .run(List.of(Shipped.CLIP), 60).report(precision == Precision.FP16 ? AccuracyGateConfig.defaults()
                            : new AccuracyGateConfig(0.1, 0.1, null, null, null, null));
            assertThat(report.failures()).as(String.join("\n", report.lines())).isEmpty();
        }
        Path engineFile = onlyEngine(precision);
        FileTime built = Files.getLastModifiedTime(engineFile);

        ModelConfig loading = model(precision, false);
        // Two engines in one process after a build in it: both log through the one process-wide logger.
        try (InferenceEngine engine = TensorRtEngines.open("conveyor", loading, CalibrationSet::of);
             InferenceEngine second = TensorRtEngines.open("conveyor", loading, CalibrationSet::of);
             OnnxRuntimeEngine reference = OnnxRuntimeEngine.open(loading)) {
            assertThat(engine).as("a cache hit, not a fallback").isInstanceOf(TensorRtEngine.class);
            assertThat(second).isInstanceOf(TensorRtEngine.class);
            compareRawOutputs(engine, reference, precision, 4);
            compareRawOutputs(second, reference, precision, 4);
        }
        assertThat(onlyEngine(precision)).isEqualTo(engineFile);
        assertThat(Files.getLastModifiedTime(engineFile)).as("not rebuilt").isEqualTo(built);
    }

    /**
     * An INT8 build whose calibration frames are gone is built from the calibration cache the first
     * build committed (and only a successful build commits one).
     */
    @org.junit.jupiter.api.Test
    void anInt8RebuildUsesTheCalibrationCache() throws Exception {
        ModelConfig first = model(Precision.INT8, true).withTensorRt(new TensorRtConfig(Precision.INT8,
                dir.resolve("rebuild-1").toString(), null, null, null, null, null, true, null, null,
                new CalibrationConfig(List.of(Shipped.CLIP.toString()), 48, 10, dir.resolve("r.calib").toString()),
                null));
        try (InferenceEngine engine = TensorRtEngines.open("conveyor", first, CalibrationSet::of)) {
            assertThat(engine).isInstanceOf(TensorRtEngine.class);
        }
        assertThat(dir.resolve("r.calib")).isNotEmptyFile();
        ModelConfig second = first.withTensorRt(new TensorRtConfig(Precision.INT8, dir.resolve("rebuild-2").toString(),
                null, null, null, null, null, true, null, null,
                new CalibrationConfig(List.of(), null, null, dir.resolve("r.calib").toString()), null));
        try (InferenceEngine engine = TensorRtEngines.open("conveyor", second, CalibrationSet::of);
             OnnxRuntimeEngine reference = OnnxRuntimeEngine.open(second)) {
            assertThat(engine).isInstanceOf(TensorRtEngine.class);
            compareRawOutputs(engine, reference, Precision.INT8, 3);
        }
    }

    /** {@code build-engine --validate}: built, validated on the clip by the accuracy gate, installed. */
    @org.junit.jupiter.api.Test
    void buildEngineValidatesAndInstalls() throws Exception {
        Path config = Shipped.exampleConfig(Files.createDirectories(dir.resolve("cli")), null);
        io.linewatch.testing.Cli.Result r = io.linewatch.testing.Cli.run("build-engine", "--config", config.toString(),
                "--precision", "fp16", "--engine-dir", dir.resolve("cli-engines").toString(), "--validate",
                Shipped.CLIP.toString(), "--validate-frames", "60");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (Stream<Path> files = Files.list(dir.resolve("cli-engines"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".engine"))
                    .anyMatch(n -> n.endsWith(".engine.json"));
        }
    }

    /**
     * A batch of the recorded frames (3, or 4 with the first frame again): confident anchors' boxes
     * and every class score, within tolerance.
     */
    private static void compareRawOutputs(InferenceEngine engine, InferenceEngine reference, Precision precision,
                                          int batch) throws Exception {
        FloatBuffer recorded = ReferenceTensors.floats("input_b3.bin");
        int inputFloats = reference.signature().inputFloats();
        FloatBuffer input = FrameEventFactory.directFloats((long) batch * inputFloats);
        for (int f = 0; f < batch; f++) {
            input.put(f * inputFloats, recorded, (f % 3) * inputFloats, inputFloats);
        }
        int floats = reference.signature().outputs().get(0).floats();
        FloatBuffer expected = FrameEventFactory.directFloats((long) batch * floats);
        FloatBuffer actual = FrameEventFactory.directFloats((long) batch * floats);
        reference.run(input, expected, batch);
        engine.run(input, actual, batch);
        int rows = (int) reference.signature().outputDims()[0];
        int anchors = (int) reference.signature().outputDims()[1];
        float scoreTolerance = precision == Precision.FP16 ? 0.02f : 0.15f;
        float pixelTolerance = precision == Precision.FP16 ? 1.5f : 10f;
        int confident = 0;
        for (int f = 0; f < batch; f++) {
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
