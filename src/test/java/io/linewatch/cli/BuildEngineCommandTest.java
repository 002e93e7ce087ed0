package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.linewatch.config.ModelConfig;
import io.linewatch.config.TensorRtConfig;
import io.linewatch.inference.tensorrt.TensorRtAvailability;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code linewatch build-engine} without TensorRT: every argument and setting is checked first
 * (exit 2, one line), and then a host without TensorRT gets the probe's one line (exit 1).
 */
class BuildEngineCommandTest {

    private static final String MODEL = Shipped.MODEL.toString();

    @TempDir
    Path dir;

    /** A classifier is validated on the regions of the cameras bound to it, each place once, in camera order. */
    @Test
    void validationTakesTheClassifiersRegionsFromItsCameras() throws Exception {
        io.linewatch.config.LinewatchConfig c = io.linewatch.config.ConfigLoader.load(
                Path.of("deploy/examples/plant.yaml"));
        assertThat(BuildEngineCommand.regionsOf(c, "process")).extracting(r -> r.name())
                .containsExactly("glass_a", "glass_b");
        assertThat(BuildEngineCommand.regionsOf(c, "conveyor")).as("no regions: the whole frame").isEmpty();
    }

    @Test
    void withoutTensorRtTheBuildStopsWithTheProbesLine() {
        TensorRtAvailability.Result probe = TensorRtAvailability.probe();
        assumeFalse(probe.available(), "TensorRT is available here: the GPU tests build real engines");
        Cli.Result r = Cli.run("build-engine", "--model", MODEL, "--precision", "fp16", "--engine-dir",
                dir.toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_STARTUP);
        assertThat(r.errorLines()).containsExactly("linewatch: error: " + probe.message());
        assertThat(r.out()).doesNotContain("building");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void badArgumentsAreOneLineErrorsBeforeTensorRtIsTouched() throws Exception {
        Path clip = Shipped.CLIP;
        Path missing = dir.resolve("missing.onnx");
        Object[][] cases = {
            {new String[] {"--model", MODEL, "--max-batch", "2"}, "model " + MODEL
                    + ": tensorrt.max_batch: must be >= batch_size (4): the lane runs batches that large, got 2"},
            {new String[] {"--model", MODEL, "--min-batch", "0"}, "--min-batch: must be >= 1, got 0"},
            {new String[] {"--model", MODEL, "--min-batch", "3", "--opt-batch", "2"}, "model " + MODEL
                    + ": tensorrt.opt_batch: must be within min_batch (3) and max_batch (4), got 2"},
            {new String[] {"--model", MODEL, "--dla-core", "-1"}, "--dla-core: must be >= 0, got -1"},
            {new String[] {"--model", MODEL, "--dla-core", "0", "--precision", "fp32"}, "model " + MODEL
                    + ": tensorrt.dla_core: a DLA engine needs precision fp16 or int8"},
            {new String[] {"--model", MODEL, "--width", "640"}, "--width and --height go together: give both or neither"},
            {new String[] {"--model", MODEL, "--width", "384", "--height", "320"}, "model " + MODEL
                    + ": input height is 224 but the config's input height is 320"},
            {new String[] {"--model", missing.toString()}, "--model " + missing + ": no such file"},
            {new String[] {"--model", MODEL, "--validate", clip.toString()}, "--validate needs --config: the model's"
                    + " task, classes, layout and thresholds decide what is compared"},
            {new String[] {"--model", MODEL, "--model-name", "conveyor"}, "--model-name goes with --config, not with --model"},
            {new String[] {"--model", MODEL, "--precision", "int8", "--calibration", dir.resolve("gone.mp4").toString()},
                "model " + MODEL + ": tensorrt.calibration.sources: " + dir.resolve("gone.mp4") + ": no such file or folder"},
            {new String[] {"--model", MODEL, "--precision", "int8", "--engine-dir", dir.toString()}, "model " + MODEL
                    + ": tensorrt.calibration.sources: int8 needs calibration frames (clips, images or image folders)"
                    + " or an existing calibration cache (" + dir + "/conveyor-det."},
        };
        for (Object[] c : cases) {
            String[] args = (String[]) c[0];
            String[] full = new String[args.length + 1];
            full[0] = "build-engine";
            System.arraycopy(args, 0, full, 1, args.length);
            Cli.Result r = Cli.run(full);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(Main.EXIT_CONFIG);
            assertThat(r.errorLines()).as(String.join(" ", args)).singleElement().asString()
                    .startsWith("linewatch: error: " + c[1]);
        }
    }

    @Test
    void aModelMustBeNamedOnceByConfigOrByFile() {
        Cli.Result none = Cli.run("build-engine", "--precision", "fp16");
        assertThat(none.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(none.err()).contains("Missing required argument").contains("--config=FILE").contains("--model=M.onnx");
        Cli.Result both = Cli.run("build-engine", "--model", MODEL, "--config", Shipped.EXAMPLE_CONFIG.toString());
        assertThat(both.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(both.err()).contains("mutually exclusive");
        Cli.Result precision = Cli.run("build-engine", "--model", MODEL, "--precision", "fp8");
        assertThat(precision.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(precision.err()).contains("--precision").contains("fp8");
    }

    @Test
    void settingsComeFromTheConfigsModelAndOptionsOverrideThem() throws Exception {
        Path config = Shipped.exampleConfig(dir, null, "    engine: onnxruntime\n", """
                    engine: tensorrt
                    tensorrt:
                      precision: int8
                      engine_dir: engines
                      max_batch: 8
                      calibration: {sources: [clips], frames: 64}
                """);
        BuildEngineCommand fromConfig = parse("--config", config.toString());
        ModelConfig m = fromConfig.modelConfig();
        assertThat(m.path()).isEqualTo(MODEL);
        TensorRtConfig t = m.tensorrt();
        assertThat(t.precision()).isEqualTo(TensorRtConfig.Precision.INT8);
        assertThat(t.engineDir()).isEqualTo(dir.resolve("engines").toString());
        assertThat(t.batchProfile(m.batchSize(), 0).toString()).isEqualTo("1-4-8");
        assertThat(t.calibration().sources()).containsExactly(dir.resolve("clips").toString());
        assertThat(t.calibration().frames()).isEqualTo(64);

        BuildEngineCommand overridden = parse("--config", config.toString(), "--model-name", "conveyor", "--precision",
                "fp16", "--opt-batch", "2", "--batch-size", "2", "--calibration-frames", "32", "--max-recall-drop", "0.05");
        ModelConfig o = overridden.modelConfig();
        assertThat(o.batchSize()).isEqualTo(2);
        assertThat(o.tensorrt().precision()).isEqualTo(TensorRtConfig.Precision.FP16);
        assertThat(o.tensorrt().batchProfile(o.batchSize(), 0).toString()).isEqualTo("1-2-8");
        assertThat(o.tensorrt().calibration().frames()).isEqualTo(32);
        assertThat(o.tensorrt().calibration().sources()).as("kept").hasSize(1);
        assertThat(o.tensorrt().gate().maxRecallDrop()).isEqualTo(0.05);
        assertThat(o.tensorrt().gate().maxPrecisionDrop()).as("kept").isEqualTo(0.02);
        ModelConfig gate = parse("--config", config.toString(), "--min-top1-agreement", "0.97", "--max-logit-diff", "0.1")
                .modelConfig();
        assertThat(gate.tensorrt().gate().minTop1Agreement()).isEqualTo(0.97);
        assertThat(gate.tensorrt().gate().maxLogitDiff()).isEqualTo(0.1);

        Cli.Result wrongName = Cli.run("build-engine", "--config", config.toString(), "--model-name", "belt");
        assertThat(wrongName.errorLines()).containsExactly("linewatch: error: --model-name: " + config
                + " has no model 'belt' (models: [conveyor])");
        Cli.Result noFrames = Cli.run("build-engine", "--config", config.toString());
        assertThat(noFrames.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(noFrames.errorLines()).containsExactly("linewatch: error: model " + MODEL
                + ": tensorrt.calibration.sources: " + dir.resolve("clips") + ": no such file or folder");
    }

    @Test
    void withoutAConfigTheModelGetsTheDefaults() {
        ModelConfig m = parse("--model", MODEL, "--calibration", "a.mp4,frames/").modelConfig();
        assertThat(m.engine()).isEqualTo(ModelConfig.Engine.TENSORRT);
        assertThat(m.batchSize()).isEqualTo(4);
        assertThat(m.preprocess().padValue()).isEqualTo(114);
        assertThat(m.tensorrt().precision()).isEqualTo(TensorRtConfig.Precision.FP16);
        assertThat(m.tensorrt().calibration().sources()).isEqualTo(List.of("a.mp4", "frames"));
        assertThat(Files.exists(dir.resolve("engines"))).isFalse();
    }

    private static BuildEngineCommand parse(String... args) {
        BuildEngineCommand command = new BuildEngineCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return command;
    }
}
