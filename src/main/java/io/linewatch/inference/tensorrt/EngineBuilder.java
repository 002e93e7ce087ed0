package io.linewatch.inference.tensorrt;

import io.linewatch.config.BatchProfile;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.ModelSignature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.tensorrt.global.nvinfer.BuilderFlag;
import org.bytedeco.tensorrt.global.nvinfer.DeviceType;
import org.bytedeco.tensorrt.global.nvinfer.MemoryPoolType;
import org.bytedeco.tensorrt.global.nvinfer.OptProfileSelector;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a serialized TensorRT engine from an ONNX file as a {@link BuildPlan} says: the ONNX parser
 * (its errors reported per node), one optimisation profile over the batch dimension, the workspace
 * limit, FP16 or INT8 (with the entropy calibrator), an optional DLA core, and the timing cache
 * read before and written after. Call only after {@link TensorRtAvailability} said yes.
 *
 * <p>The JavaCPP presets 1.5.13 attach no deallocator to objects that TensorRT's factory functions
 * return (bytedeco/javacpp-presets#1699), so closing the builder, network, parser and config frees
 * nothing until that is fixed upstream: a build leaks them until the process ends (the CLI process
 * ends right after; the daemon builds at most once per model and start).
 */
final class EngineBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(EngineBuilder.class);

    private EngineBuilder() {
    }

    /**
     * Builds the engine; returns its serialized plan in a direct buffer.
     *
     * @param calibration the INT8 calibration frames (opened only for an INT8 build)
     */
    static ByteBuffer build(BuildPlan plan, HostInfo host, BuildProgress progress, CalibrationBatches.Source calibration)
            throws EngineException {
        String what = "model " + plan.model();
        try (NativeStack natives = new NativeStack()) {
            TrtLogger.Operation logger = natives.push(TrtLogger.process().open(progress::step), "logger");
            IBuilder builder = natives.push(nvinfer.createInferBuilder(TrtLogger.process()), "createInferBuilder failed");
            INetworkDefinition network = natives.push(builder.createNetworkV2(0), "createNetworkV2 failed");
            IParser parser = natives.push(nvonnxparser.createParser(network, TrtLogger.process()), "createParser failed");
            if (!parser.parseFromFile(plan.model().toString(), ILogger.Severity.kWARNING.value)) {
                throw new EngineException(what + ": the TensorRT ONNX parser refused it: " + parseErrors(parser));
            }
            IBuilderConfig config = natives.push(builder.createBuilderConfig(), "createBuilderConfig failed");
            config.setMemoryPoolLimit(MemoryPoolType.kWORKSPACE, (long) plan.workspaceMb() << 20);
            IOptimizationProfile profile = addProfile(builder, config, plan.signature(), plan.profile(), what);
            EntropyCalibrator calibrator = precision(builder, config, plan, profile, natives, progress, calibration);
            dla(builder, config, plan.dlaCore(), what);
            Path timingCacheFile = plan.timingCache(host);
            useTimingCache(config, timingCacheFile, natives);
            IHostMemory serialized = builder.buildSerializedNetwork(network, config);
            if (calibrator != null && calibrator.failure() != null) {
                throw new EngineException(what + ": calibration failed: " + calibrator.failure().getMessage(),
                        calibrator.failure());
            }
            natives.push(serialized, what + ": TensorRT could not build the engine" + logger.lastErrorSuffix());
            if (calibrator != null) {
                calibrator.cache().commit(); // only now: a failed calibration must not leave a cache behind
            }
            saveTimingCache(config, timingCacheFile);
            return copy(serialized);
        } catch (NullPointerException | IllegalStateException e) {
            throw new EngineException(what + ": " + e.getMessage(), e);
        }
    }

    /** The parser's errors, one per node, in one line; each is logged on its own too. */
    private static String parseErrors(IParser parser) {
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < parser.getNbErrors(); i++) {
            IParserError e = parser.getError(i);
            String node = e.nodeName() == null || e.nodeName().isBlank() ? "" : " '" + e.nodeName() + "'";
            String op = e.nodeOperator() == null || e.nodeOperator().isBlank() ? "" : " (" + e.nodeOperator() + ")";
            String line = "node " + e.node() + node + op + ": " + e.desc();
            LOG.error("ONNX parser: {}", line);
            errors.add(line);
        }
        return errors.isEmpty() ? "no reason given" : String.join("; ", errors);
    }

    @SuppressWarnings("try")
    private static IOptimizationProfile addProfile(IBuilder builder, IBuilderConfig config, ModelSignature sig,
                                                   BatchProfile batches, String what) throws EngineException {
        IOptimizationProfile profile = builder.createOptimizationProfile();
        try (PointerScope scope = new PointerScope()) {
            boolean ok = profile.setDimensions(sig.inputName(), OptProfileSelector.kMIN, inputDims(sig, batches.min()))
                    && profile.setDimensions(sig.inputName(), OptProfileSelector.kOPT, inputDims(sig, batches.opt()))
                    && profile.setDimensions(sig.inputName(), OptProfileSelector.kMAX, inputDims(sig, batches.max()));
            if (!ok || config.addOptimizationProfile(profile) < 0) {
                throw new EngineException(what + ": TensorRT refused the batch profile " + batches + " for input '"
                        + sig.inputName() + "'");
            }
        }
        return profile;
    }

    static Dims64 inputDims(ModelSignature sig, int batch) {
        Dims64 dims = new Dims64();
        dims.nbDims(4);
        dims.d(0, batch).d(1, sig.channels()).d(2, sig.height()).d(3, sig.width());
        return dims;
    }

    /**
     * Sets the precision flags; for INT8 also the calibrator, which is returned (else null). TensorRT
     * 10 deprecates these flags and implicit INT8 calibration in favour of strongly typed networks
     * (precision carried by the ONNX file, quantised with Q/DQ nodes) but keeps them through 10.x.
     */
    @SuppressWarnings("deprecation")
    private static EntropyCalibrator precision(IBuilder builder, IBuilderConfig config, BuildPlan plan,
                                               IOptimizationProfile profile, NativeStack natives,
                                               BuildProgress progress, CalibrationBatches.Source calibration)
            throws EngineException {
        switch (plan.precision()) {
            case FP32 -> config.clearFlag(BuilderFlag.kTF32);
            case FP16 -> {
                if (!builder.platformHasFastFp16()) {
                    progress.step("warning: this GPU has no fast FP16");
                }
                config.setFlag(BuilderFlag.kFP16);
            }
            case INT8 -> {
                if (!builder.platformHasFastInt8()) {
                    progress.step("warning: this GPU has no fast INT8");
                }
                config.setFlag(BuilderFlag.kINT8);
                // Layers without an INT8 kernel run in FP16 rather than FP32.
                config.setFlag(BuilderFlag.kFP16);
                CalibrationBatches batches = natives.push(calibration.open(plan), "calibration batches");
                EntropyCalibrator calibrator = natives.push(new EntropyCalibrator(batches, plan.profile().opt(),
                        plan.signature().inputFloats(), new CalibrationCache(plan.calibrationCache())), "calibrator");
                config.setInt8Calibrator(calibrator);
                config.setCalibrationProfile(profile);
                return calibrator;
            }
            default -> throw new IllegalStateException("unknown precision " + plan.precision());
        }
        return null;
    }

    /** A DLA core runs one batch size: the plan's profile is min = opt = max (checked by {@link BuildPlan}). */
    private static void dla(IBuilder builder, IBuilderConfig config, Integer core, String what) throws EngineException {
        if (core == null) {
            return;
        }
        int cores = builder.getNbDLACores();
        if (core >= cores) {
            throw new EngineException(what + ": tensorrt.dla_core " + core + ": this device has " + cores + " DLA core(s)");
        }
        config.setDefaultDeviceType(DeviceType.kDLA);
        config.setDLACore(core);
        config.setFlag(BuilderFlag.kGPU_FALLBACK);
    }

    /**
     * Starts from the timing cache file when there is one (TensorRT ignores entries it cannot use);
     * a file TensorRT cannot read (corrupt, or from another TensorRT) gives way to a fresh cache, and
     * without any cache the build goes on untimed-cached rather than failing.
     */
    private static void useTimingCache(IBuilderConfig config, Path file, NativeStack natives) {
        byte[] bytes = new byte[0];
        try {
            if (Files.isRegularFile(file)) {
                bytes = Files.readAllBytes(file);
            }
        } catch (IOException e) {
            LOG.warn("timing cache {} cannot be read ({}); starting a new one", file, e.getMessage());
        }
        BytePointer data = natives.push(new BytePointer(Math.max(1, bytes.length)), "timing cache buffer");
        data.put(bytes);
        ITimingCache cache = config.createTimingCache(data, bytes.length);
        if (cache != null && config.setTimingCache(natives.push(cache, "timing cache"), false)) {
            return;
        }
        LOG.warn("timing cache {} cannot be used on this GPU and TensorRT; starting a new one", file);
        ITimingCache fresh = config.createTimingCache(data, 0);
        if (fresh == null || !config.setTimingCache(natives.push(fresh, "timing cache"), false)) {
            LOG.warn("TensorRT made no fresh timing cache either; building without one");
        }
    }

    private static void saveTimingCache(IBuilderConfig config, Path file) {
        if (config.getTimingCache() == null) {
            return;
        }
        try (NativeStack natives = new NativeStack()) {
            IHostMemory serialized = natives.push(config.getTimingCache().serialize(), "timing cache serialize");
            AtomicFiles.write(file, copy(serialized).array());
        } catch (IOException | RuntimeException e) {
            LOG.warn("timing cache {} not saved: {}", file, e.getMessage());
        }
    }

    /** The host memory's bytes, copied into a heap-backed buffer owned by Java. */
    private static ByteBuffer copy(IHostMemory memory) {
        long size = memory.size();
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size));
        out.put(new BytePointer(memory.data()).capacity(size).asByteBuffer());
        return out.flip();
    }
}
