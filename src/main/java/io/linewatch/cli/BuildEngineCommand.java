package io.linewatch.cli;

import io.linewatch.config.AccuracyGateConfig;
import io.linewatch.config.CalibrationConfig;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.RegionConfig;
import io.linewatch.config.TensorRtConfig;
import io.linewatch.enginebuild.AccuracyGate;
import io.linewatch.enginebuild.AccuracyReplay;
import io.linewatch.enginebuild.CalibrationSet;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.ModelSignature;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.inference.tensorrt.BuildPlan;
import io.linewatch.inference.tensorrt.EngineCache;
import io.linewatch.inference.tensorrt.TensorRtAvailability;
import io.linewatch.inference.tensorrt.TensorRtEngine;
import io.linewatch.inference.tensorrt.TensorRtEngines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch build-engine}: builds a TensorRT engine for this host from an ONNX model, with
 * progress lines, optionally validates it against the FP32 reference on clips, and installs it in
 * the engine cache under its complete key (or keeps it aside when the accuracy gate refuses it).
 * Everything that can be checked without TensorRT is checked first.
 */
@Command(name = "build-engine", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Builds a TensorRT engine (fp32, fp16 or int8) from an ONNX model for this GPU and installs it"
                + " in the engine cache the daemon loads from. Settings come from a config's model (--config,"
                + " --model-name) or from the options; options override the config.")
final class BuildEngineCommand implements Callable<Integer> {

    /** Where the model comes from: a config's model, or an ONNX file. */
    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "Config whose model (--model-name) to build.")
        Path config;

        @Option(names = "--model", paramLabel = "M.onnx", description = "ONNX model to build (without a config).")
        Path model;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** A classification model's regions from the config, for validation; empty otherwise. */
    private List<RegionConfig> regions = List.of();

    @Option(names = "--model-name", paramLabel = "NAME",
            description = "The model in the config (default: its only model).")
    String modelName;

    @Option(names = "--precision", paramLabel = "P", description = "fp32, fp16 or int8 (default: the config's, else fp16).")
    TensorRtConfig.Precision precision;

    @Option(names = "--batch-size", paramLabel = "N", description = "Largest batch the pipeline runs (default: the config's, else 4).")
    Integer batchSize;

    @Option(names = "--min-batch", paramLabel = "N", description = "Smallest batch of the profile (default 1).")
    Integer minBatch;

    @Option(names = "--opt-batch", paramLabel = "N", description = "Batch the engine is tuned for (default: batch size).")
    Integer optBatch;

    @Option(names = "--max-batch", paramLabel = "N", description = "Largest batch of the profile (default: batch size).")
    Integer maxBatch;

    @Option(names = "--width", paramLabel = "PX", description = "Input width, for a model whose input size is dynamic.")
    Integer width;

    @Option(names = "--height", paramLabel = "PX", description = "Input height, for a model whose input size is dynamic.")
    Integer height;

    @Option(names = "--workspace-mb", paramLabel = "MB", description = "TensorRT's scratch memory limit (default 1024).")
    Integer workspaceMb;

    @Option(names = "--dla-core", paramLabel = "N", description = "Build for this DLA core (Jetson), with GPU fallback.")
    Integer dlaCore;

    @Option(names = "--engine-dir", paramLabel = "DIR", description = "Engine cache folder (default: engines/ next to the model).")
    Path engineDir;

    @Option(names = "--timing-cache", paramLabel = "FILE", description = "Builder timing cache, reused across builds.")
    Path timingCache;

    @Option(names = "--calibration", split = ",", paramLabel = "PATH",
            description = "int8: clips, images or image folders whose frames calibrate the engine.")
    List<Path> calibration;

    @Option(names = "--calibration-frames", paramLabel = "N", description = "int8: most calibration frames (default 256).")
    Integer calibrationFrames;

    @Option(names = "--every-nth-frame", paramLabel = "N", description = "int8: take every n-th frame of a clip (default 5).")
    Integer everyNthFrame;

    @Option(names = "--calibration-cache", paramLabel = "FILE",
            description = "int8: calibration cache, reused when it exists (default: in the engine folder).")
    Path calibrationCache;

    @Option(names = "--validate", split = ",", paramLabel = "CLIP",
            description = "Replay these clips through the new engine and the FP32 reference; refuse the engine (keep it"
                    + " aside, not installed) when it loses more accuracy than allowed. Needs --config.")
    List<Path> validate;

    @Option(names = "--validate-frames", defaultValue = "300", paramLabel = "N",
            description = "Most frames replayed for validation (default: ${DEFAULT-VALUE}).")
    int validateFrames;

    @Option(names = "--max-precision-drop", paramLabel = "X", description = "Gate: detection precision loss allowed (default 0.02).")
    Double maxPrecisionDrop;

    @Option(names = "--max-recall-drop", paramLabel = "X", description = "Gate: detection recall loss allowed (default 0.02).")
    Double maxRecallDrop;

    @Option(names = "--min-mask-iou", paramLabel = "X", description = "Gate: least mask IoU with the reference (default 0.9).")
    Double minMaskIou;

    @Option(names = "--max-temperature-mae", paramLabel = "K", description = "Gate: largest temperature MAE, kelvin (default 0.5).")
    Double maxTemperatureMaeK;

    @Option(names = "--min-top1-agreement", paramLabel = "X",
            description = "Gate: least share of classified images whose top state is the reference's (default 0.99).")
    Double minTop1Agreement;

    @Option(names = "--max-logit-diff", paramLabel = "X",
            description = "Gate: largest difference of a classification score from the reference's (default 0.5).")
    Double maxLogitDiff;

    @Override
    public Integer call() {
        ModelConfig model = modelConfig();
        ModelSignature signature;
        BuildPlan plan;
        try {
            signature = TensorRtEngines.readSignature(model);
            plan = BuildPlan.of(model, signature);
            plan.requireBuildable();
            CalibrationSet.requireSources(plan);
        } catch (EngineException e) {
            throw new CliException(Main.EXIT_CONFIG, e.getMessage());
        }
        TensorRtAvailability.Result available = TensorRtAvailability.probe();
        if (!available.available()) {
            throw new CliException(Main.EXIT_STARTUP, available.message());
        }
        try {
            return build(plan, available);
        } catch (EngineException e) {
            throw new CliException(Main.EXIT_STARTUP, e.getMessage());
        }
    }

    private int build(BuildPlan plan, TensorRtAvailability.Result available) throws EngineException {
        TensorRtEngines.Built built = TensorRtEngines.build(plan, available.host(), System.out::println,
                CalibrationSet::of);
        EngineCache cache = new EngineCache(plan.engineDir());
        List<String> validation = List.of();
        if (validate != null) {
            AccuracyGate.Report report = validate(plan, built);
            report.lines().forEach(line -> System.out.println("validation: " + line));
            validation = report.lines();
            if (!report.accepted()) {
                Path aside = setAside(cache, plan, built, validation);
                throw new CliException(Main.EXIT_STARTUP, "the " + plan.precision() + " engine is refused ("
                        + String.join("; ", report.failures()) + "); kept aside as " + aside + ", not installed");
            }
        }
        Path engine = TensorRtEngines.store(cache, plan, built, validation);
        System.out.println("engine: " + engine);
        System.out.println("manifest: " + engine + ".json");
        return 0;
    }

    private AccuracyGate.Report validate(BuildPlan plan, TensorRtEngines.Built built) throws EngineException {
        try (TensorRtEngine candidate = TensorRtEngines.load(plan, built);
             OnnxRuntimeEngine reference = OnnxRuntimeEngine.open(plan.config())) {
            System.out.println("validating on " + validate + " (at most " + validateFrames + " frames)");
            return new AccuracyReplay(plan.config(), reference, candidate, regions).run(validate, validateFrames)
                    .report(plan.config().tensorrt().gate());
        }
    }

    private static Path setAside(EngineCache cache, BuildPlan plan, TensorRtEngines.Built built,
                                 List<String> validation) throws EngineException {
        try {
            return cache.setAside(plan.modelStem(), built.key(), built.plan(), plan.model().toString(), built.seconds(),
                    validation);
        } catch (java.io.IOException e) {
            throw new EngineException("engine cache " + cache.dir() + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The model to build: the config's (with the options over its tensorrt section), or one made from the options. */
    ModelConfig modelConfig() {
        checkArguments();
        ModelConfig base;
        if (source.config != null) {
            base = configModel(Main.loadConfig(source.config));
        } else {
            if (!Files.isRegularFile(source.model)) {
                throw new CliException(Main.EXIT_CONFIG, "--model " + source.model + ": no such file");
            }
            ModelConfig.InputSize input = width == null ? null : new ModelConfig.InputSize(width, height);
            base = new ModelConfig(source.model.toString(), null, null, List.of(), ModelConfig.Engine.TENSORRT, batchSize,
                    null, input, null, null, null, null, null);
        }
        try {
            return base.withTensorRt(tensorRt(base.tensorrt())).withBatchSize(batchSize == null ? base.batchSize()
                    : batchSize);
        } catch (IllegalArgumentException e) {
            throw new CliException(Main.EXIT_CONFIG, e.getMessage());
        }
    }

    private ModelConfig configModel(LinewatchConfig config) {
        String name = modelName;
        if (name == null) {
            if (config.models().size() != 1) {
                throw new CliException(Main.EXIT_CONFIG, source.config + " has models " + config.models().keySet()
                        + ": choose one with --model-name");
            }
            name = config.models().keySet().iterator().next();
        }
        ModelConfig model = config.models().get(name);
        if (model == null) {
            throw new CliException(Main.EXIT_CONFIG, "--model-name: " + source.config + " has no model '" + name
                    + "' (models: " + config.models().keySet() + ")");
        }
        regions = regionsOf(config, name);
        return model;
    }

    /**
     * The regions validation compares a classifier on: those of the cameras bound to {@code model}, each
     * place once (the whole frame when none has any).
     */
    static List<RegionConfig> regionsOf(LinewatchConfig config, String model) {
        java.util.Map<List<Integer>, RegionConfig> places = new java.util.LinkedHashMap<>();
        for (CameraConfig camera : config.cameras()) {
            if (model.equals(camera.model())) {
                for (RegionConfig r : camera.classification().regions()) {
                    places.putIfAbsent(List.of(r.x(), r.y(), r.width(), r.height()), r);
                }
            }
        }
        return List.copyOf(places.values());
    }

    private void checkArguments() {
        positive("--batch-size", batchSize);
        positive("--min-batch", minBatch);
        positive("--opt-batch", optBatch);
        positive("--max-batch", maxBatch);
        positive("--width", width);
        positive("--height", height);
        positive("--workspace-mb", workspaceMb);
        positive("--calibration-frames", calibrationFrames);
        positive("--every-nth-frame", everyNthFrame);
        positive("--validate-frames", validateFrames);
        if (dlaCore != null && dlaCore < 0) {
            throw new CliException(Main.EXIT_CONFIG, "--dla-core: must be >= 0, got " + dlaCore);
        }
        if ((width == null) != (height == null)) {
            throw new CliException(Main.EXIT_CONFIG, "--width and --height go together: give both or neither");
        }
        if (source.config != null && (width != null)) {
            throw new CliException(Main.EXIT_CONFIG, "--width/--height: the config's model input size applies with --config");
        }
        if (source.model != null && modelName != null) {
            throw new CliException(Main.EXIT_CONFIG, "--model-name goes with --config, not with --model");
        }
        if (validate != null && source.config == null) {
            throw new CliException(Main.EXIT_CONFIG, "--validate needs --config: the model's task, classes, layout and"
                    + " thresholds decide what is compared");
        }
    }

    private static void positive(String option, Integer value) {
        if (value != null && value < 1) {
            throw new CliException(Main.EXIT_CONFIG, option + ": must be >= 1, got " + value);
        }
    }

    /** The tensorrt section with every option given on the command line in place of the config's value. */
    private TensorRtConfig tensorRt(TensorRtConfig c) {
        CalibrationConfig cal = c.calibration();
        CalibrationConfig calibrationConfig = new CalibrationConfig(
                calibration == null ? cal.sources() : calibration.stream().map(Path::toString).toList(),
                or(calibrationFrames, cal.frames()), or(everyNthFrame, cal.everyNthFrame()),
                calibrationCache == null ? cal.cache() : calibrationCache.toString());
        AccuracyGateConfig g = c.gate();
        AccuracyGateConfig gate = new AccuracyGateConfig(or(maxPrecisionDrop, g.maxPrecisionDrop()),
                or(maxRecallDrop, g.maxRecallDrop()), or(minMaskIou, g.minMaskIou()),
                or(maxTemperatureMaeK, g.maxTemperatureMaeK()), or(minTop1Agreement, g.minTop1Agreement()),
                or(maxLogitDiff, g.maxLogitDiff()));
        return new TensorRtConfig(or(precision, c.precision()), engineDir == null ? c.engineDir() : engineDir.toString(),
                or(minBatch, c.minBatch()), or(optBatch, c.optBatch()), or(maxBatch, c.maxBatch()),
                or(workspaceMb, c.workspaceMb()), or(dlaCore, c.dlaCore()), c.buildIfMissing(), c.fallback(),
                timingCache == null ? c.timingCache() : timingCache.toString(), calibrationConfig, gate);
    }

    private static <T> T or(T option, T configured) {
        return option != null ? option : configured;
    }
}
