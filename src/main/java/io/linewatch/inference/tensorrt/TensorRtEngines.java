package io.linewatch.inference.tensorrt;

import io.linewatch.config.ModelConfig;
import io.linewatch.config.TensorRtConfig.Fallback;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.inference.ModelMetadata;
import io.linewatch.inference.ModelSignature;
import io.linewatch.inference.OnnxRuntimeEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the daemon and {@code build-engine} get TensorRT engines. At start, a model configured for
 * TensorRT is loaded from its engine cache only when an engine with exactly this host's key is
 * there (cache hit and miss are logged, a miss with its reason); it is built at start only when the
 * config says {@code build_if_missing}; and on a host without TensorRT, or without a matching engine,
 * the model fails with one line or runs on ONNX Runtime when the config says {@code fallback: onnxruntime}.
 * So does a cached engine that does not load and a {@code build_if_missing} build that fails. An
 * engine built at the start skips the accuracy gate ({@code build-engine --validate} runs it); the
 * log says so.
 */
public final class TensorRtEngines {

    private static final Logger LOG = LoggerFactory.getLogger(TensorRtEngines.class);
    private static final long PROGRESS_INTERVAL_MILLIS = 10_000;

    /** A freshly built engine, not stored yet. */
    public record Built(EngineKey key, ByteBuffer plan, double seconds) {
    }

    private TensorRtEngines() {
    }

    /**
     * Opens a model configured with {@code engine: tensorrt}.
     *
     * @param name the model's name in the config
     */
    public static InferenceEngine open(String name, ModelConfig model, CalibrationBatches.Source calibration)
            throws EngineException {
        TensorRtAvailability.Result available = TensorRtAvailability.probe();
        if (!available.available()) {
            return fallback(name, model, available.message());
        }
        ModelSignature signature = readSignature(model);
        ModelMetadata metadata = ModelMetadata.read(Path.of(model.path()));
        BuildPlan plan = BuildPlan.of(model, signature);
        EngineKey key = plan.key(available.host());
        EngineCache cache = new EngineCache(plan.engineDir());
        EngineCache.Lookup found;
        try {
            found = cache.lookup(plan.modelStem(), key);
        } catch (IOException e) {
            found = new EngineCache.Lookup(null, "cannot read " + cache.dir() + ": " + e.getMessage());
        }
        if (found.hit()) {
            LOG.info("model {}: engine cache hit: {}", name, found.engine());
            try {
                return TensorRtEngine.open(found.engine(), signature, plan.profile(), plan.dlaCore())
                        .describedBy(metadata);
            } catch (EngineException e) {
                return fallback(name, model, "the cached engine does not load: " + e.getMessage());
            }
        }
        LOG.warn("model {}: engine cache miss: {}", name, found.reason());
        if (!model.tensorrt().buildIfMissing()) {
            return fallback(name, model, "no TensorRT engine for " + available.host() + " (" + found.reason()
                    + "); build it with: linewatch build-engine --config CONFIG --model-name " + name);
        }
        plan.requireBuildable();
        try {
            Built built = build(plan, available.host(), line -> LOG.info("model {}: {}", name, line), calibration);
            LOG.warn("model {}: engine built at the start without the accuracy gate (build-engine --validate runs"
                    + " it)", name);
            return TensorRtEngine.open(store(cache, plan, built, List.of()), signature, plan.profile(), plan.dlaCore())
                    .describedBy(metadata);
        } catch (EngineException e) {
            return fallback(name, model, "build_if_missing: the build failed: " + e.getMessage());
        }
    }

    /**
     * Builds the engine a plan describes, with progress lines every 10 s. Call only when {@link
     * TensorRtAvailability} said yes and {@link BuildPlan#requireBuildable()} passed.
     */
    public static Built build(BuildPlan plan, HostInfo host, Consumer<String> progress,
                              CalibrationBatches.Source calibration) throws EngineException {
        String what = "building the " + plan.precision() + " engine of " + plan.modelStem();
        progress.accept(what + " on " + host + ", batch " + plan.profile() + " (minutes, more for int8)");
        try (BuildProgress p = new BuildProgress(what, progress, PROGRESS_INTERVAL_MILLIS)) {
            ByteBuffer bytes = EngineBuilder.build(plan, host, p, calibration);
            progress.accept(what + ": done in " + p.elapsed() + ", " + bytes.remaining() / 1024 + " KiB");
            return new Built(plan.key(host), bytes, p.elapsedSeconds());
        }
    }

    /** Loads a built engine that is not stored yet (to validate it). */
    public static TensorRtEngine load(BuildPlan plan, Built built) throws EngineException {
        return TensorRtEngine.load("new engine of " + plan.modelStem(), built.plan().duplicate(), plan.signature(),
                plan.profile(), plan.dlaCore());
    }

    /** Installs a built engine in the cache, with its manifest; returns the engine file. */
    public static Path store(EngineCache cache, BuildPlan plan, Built built, List<String> validation)
            throws EngineException {
        try {
            return cache.store(plan.modelStem(), built.key(), built.plan(), plan.model().toString(), built.seconds(),
                    validation);
        } catch (IOException e) {
            throw new EngineException("engine cache " + cache.dir() + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The model's tensors as ONNX Runtime reads them (this also checks that the model loads). */
    public static ModelSignature readSignature(ModelConfig model) throws EngineException {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(model)) {
            return engine.signature();
        }
    }

    private static InferenceEngine fallback(String name, ModelConfig model, String reason) throws EngineException {
        if (model.tensorrt().fallback() == Fallback.ONNXRUNTIME) {
            LOG.warn("model {}: {}; it runs on ONNX Runtime instead (tensorrt.fallback: onnxruntime)", name, reason);
            return OnnxRuntimeEngine.open(model);
        }
        throw new EngineException("model " + model.path() + ": " + reason);
    }
}
