package io.linewatch.inference.tensorrt;

import io.linewatch.config.BatchProfile;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.TensorRtConfig.Precision;
import io.linewatch.config.TensorRtConfig;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.ModelSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One engine to build or load, checked before TensorRT is touched: the model and its signature (read
 * by ONNX Runtime), the batch profile, precision and DLA core; for a build, also INT8 calibration
 * frames or a calibration cache to reuse. Derives the engine's key and the build caches' files.
 *
 * @param model       the ONNX file
 * @param modelSha256 its SHA-256
 * @param signature   its tensors
 * @param config      its config (preprocess and the tensorrt section)
 * @param profile     the batch profile to build
 * @param engineDir   where the engine and the build caches go
 */
public record BuildPlan(Path model, String modelSha256, ModelSignature signature, ModelConfig config,
                        BatchProfile profile, Path engineDir) {

    /**
     * Checks that {@code model} fits its tensorrt section (batch profile, DLA core and precision).
     *
     * @throws EngineException one line naming the model, the setting and what is wrong
     */
    public static BuildPlan of(ModelConfig model, ModelSignature signature) throws EngineException {
        Path file = Path.of(model.path());
        String at = "model " + file + ": ";
        TensorRtConfig trt = model.tensorrt();
        BatchProfile profile;
        try {
            profile = trt.batchProfile(model.batchSize(), signature.fixedBatch());
        } catch (IllegalArgumentException e) {
            throw new EngineException(at + e.getMessage());
        }
        if (trt.dlaCore() != null && trt.precision() == Precision.FP32) {
            throw new EngineException(at + "tensorrt.dla_core: a DLA engine needs precision fp16 or int8");
        }
        String sha;
        try {
            sha = Digests.sha256(file);
        } catch (IOException e) {
            throw new EngineException(at + "cannot read it: " + e.getMessage(), e);
        }
        return new BuildPlan(file, sha, signature, model, profile, engineDir(model));
    }

    /**
     * Checks what only a build needs (loading a built engine does not): for INT8, an RGB input and a
     * calibration cache to reuse, or else calibration sources (whether they can be read is for the
     * {@link CalibrationBatches.Source} to say).
     *
     * @throws EngineException one line naming the model, the setting and what is wrong
     */
    public void requireBuildable() throws EngineException {
        if (precision() == Precision.INT8) {
            checkCalibration("model " + model + ": ");
        }
    }

    /** The engine folder of a model: its tensorrt.engine_dir, else {@code engines} next to the model. */
    public static Path engineDir(ModelConfig model) {
        String dir = model.tensorrt().engineDir();
        return dir != null ? Path.of(dir) : Path.of(model.path()).toAbsolutePath().resolveSibling("engines");
    }

    /** The model file's name without {@code .onnx}: engine file names start with it. */
    public static String modelStem(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }

    public String modelStem() {
        return modelStem(model);
    }

    public Precision precision() {
        return config.tensorrt().precision();
    }

    public Integer dlaCore() {
        return config.tensorrt().dlaCore();
    }

    public int workspaceMb() {
        return config.tensorrt().workspaceMb();
    }

    /** One frame's input, {@code CxHxW}. */
    public String inputShape() {
        return signature.channels() + "x" + signature.height() + "x" + signature.width();
    }

    /** The key of the engine this plan builds on {@code host}. */
    public EngineKey key(HostInfo host) {
        return EngineKey.of(modelSha256, inputShape(), precision(), profile, dlaCore(), host);
    }

    /** The builder's timing cache: as configured, else one per GPU model and TensorRT version in the engine folder. */
    public Path timingCache(HostInfo host) {
        String configured = config.tensorrt().timingCache();
        return configured != null ? Path.of(configured) : engineDir.resolve("timing." + EngineKey.slug(host.gpuName())
                + ".sm" + host.computeCapability().replace(".", "") + ".trt" + host.tensorRtVersion() + ".cache");
    }

    /**
     * The INT8 calibration cache: as configured, else in the engine folder, named after the model,
     * its input and its preprocess (all of which the calibration depends on).
     */
    public Path calibrationCache() {
        String configured = config.tensorrt().calibration().cache();
        if (configured != null) {
            return Path.of(configured);
        }
        String hash = Digests.sha256(modelSha256 + "\n" + inputShape() + "\n" + config.preprocess()).substring(0, 10);
        return engineDir.resolve(modelStem() + "." + hash + ".calib");
    }

    private void checkCalibration(String at) throws EngineException {
        if (signature.channels() != 3) {
            throw new EngineException(at + "tensorrt.precision: int8 calibration runs RGB frames through the "
                    + "letterbox preprocess; this model's input has " + signature.channels() + " channel(s)");
        }
        if (Files.isRegularFile(calibrationCache())) {
            return;
        }
        if (config.tensorrt().calibration().sources().isEmpty()) {
            throw new EngineException(at + "tensorrt.calibration.sources: int8 needs calibration frames (clips, "
                    + "images or image folders) or an existing calibration cache (" + calibrationCache() + ")");
        }
    }
}
