package io.linewatch.config;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * How a model runs as a TensorRT engine ({@code engine: tensorrt}): which engine file the daemon
 * loads (its cache key), how {@code linewatch build-engine} builds it, and what happens on a host
 * that cannot run it.
 *
 * @param precision      engine precision
 * @param engineDir      where engines, their manifests and build caches live (default: {@code engines}
 *                       next to the model)
 * @param minBatch       smallest batch of the optimisation profile (default 1)
 * @param optBatch       batch the engine is tuned for (default: the model's batch_size)
 * @param maxBatch       largest batch (default: the model's batch_size; never below it)
 * @param workspaceMb    most GPU memory TensorRT may use for scratch space while it builds
 * @param dlaCore        build for this DLA core (Jetson Xavier/Orin), or null for the GPU
 * @param buildIfMissing build the engine at start when none matches (slow: minutes), instead of failing
 * @param fallback       what to run when TensorRT cannot: nothing (the model fails) or ONNX Runtime
 * @param timingCache    the builder's timing cache file (default: in engine_dir, per GPU and TensorRT version)
 * @param calibration    INT8 calibration frames and cache
 * @param gate           most accuracy loss a reduced-precision engine may show in validation
 */
public record TensorRtConfig(Precision precision, String engineDir, Integer minBatch, Integer optBatch,
                             Integer maxBatch, Integer workspaceMb, Integer dlaCore, Boolean buildIfMissing,
                             Fallback fallback, String timingCache, CalibrationConfig calibration,
                             AccuracyGateConfig gate) {

    /** Engine precisions. */
    public enum Precision {
        FP32, FP16, INT8;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What runs a TensorRT model on a host that cannot. */
    public enum Fallback { NONE, ONNXRUNTIME }

    public TensorRtConfig {
        precision = precision == null ? Precision.FP16 : precision;
        workspaceMb = workspaceMb == null ? 1024 : workspaceMb;
        buildIfMissing = buildIfMissing != null && buildIfMissing;
        fallback = fallback == null ? Fallback.NONE : fallback;
        calibration = calibration == null ? CalibrationConfig.defaults() : calibration;
        gate = gate == null ? AccuracyGateConfig.defaults() : gate;
        if (workspaceMb < 1) {
            throw new IllegalArgumentException("workspace_mb must be >= 1, got " + workspaceMb);
        }
        if (dlaCore != null && dlaCore < 0) {
            throw new IllegalArgumentException("dla_core must be >= 0 (or left out for the GPU), got " + dlaCore);
        }
    }

    public static TensorRtConfig defaults() {
        return new TensorRtConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * The optimisation profile for a lane running batches of up to {@code batchSize} frames, from
     * the configured sizes and their defaults.
     *
     * @param fixedBatch the model's own batch size when its batch dimension is not dynamic, else 0
     * @throws IllegalArgumentException naming the field ({@code tensorrt.max_batch: ...}) when the
     *                                  sizes do not fit together
     */
    public BatchProfile batchProfile(int batchSize, int fixedBatch) {
        if (fixedBatch > 0) {
            requireFixed("min_batch", minBatch, fixedBatch);
            requireFixed("opt_batch", optBatch, fixedBatch);
            requireFixed("max_batch", maxBatch, fixedBatch);
            return new BatchProfile(fixedBatch, fixedBatch, fixedBatch);
        }
        if (dlaCore != null) {
            return dlaProfile(batchSize);
        }
        int min = minBatch == null ? 1 : minBatch;
        int max = maxBatch == null ? Math.max(batchSize, min) : maxBatch;
        int opt = optBatch == null ? Math.min(Math.max(batchSize, min), max) : optBatch;
        require(min >= 1, "tensorrt.min_batch: must be >= 1, got " + min);
        require(max >= batchSize, "tensorrt.max_batch: must be >= batch_size (" + batchSize
                + "): the lane runs batches that large, got " + max);
        require(max >= min, "tensorrt.max_batch: must be >= min_batch (" + min + "), got " + max);
        require(opt >= min && opt <= max, "tensorrt.opt_batch: must be within min_batch (" + min + ") and max_batch ("
                + max + "), got " + opt);
        return new BatchProfile(min, opt, max);
    }

    /** A DLA core runs one batch size: min = opt = max, batch_size unless given. */
    private BatchProfile dlaProfile(int batchSize) {
        int size = maxBatch != null ? maxBatch : optBatch != null ? optBatch : minBatch != null ? minBatch : batchSize;
        for (Integer given : new Integer[] {minBatch, optBatch, maxBatch}) {
            require(given == null || given == size, "tensorrt.dla_core: a DLA engine runs one batch size: min_batch,"
                    + " opt_batch and max_batch must be equal, got " + minBatch + "-" + optBatch + "-" + maxBatch);
        }
        require(size >= batchSize, "tensorrt.max_batch: must be >= batch_size (" + batchSize
                + "): the lane runs batches that large, got " + size);
        return new BatchProfile(size, size, size);
    }

    private static void requireFixed(String field, Integer value, int fixedBatch) {
        require(value == null || value == fixedBatch, "tensorrt." + field + ": the model's batch is fixed at "
                + fixedBatch + ", got " + value);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A copy whose file names (engine dir, timing cache, calibration files) went through {@code resolve}. */
    public TensorRtConfig withFiles(UnaryOperator<String> resolve) {
        return new TensorRtConfig(precision, engineDir == null ? null : resolve.apply(engineDir), minBatch, optBatch,
                maxBatch, workspaceMb, dlaCore, buildIfMissing, fallback,
                timingCache == null ? null : resolve.apply(timingCache), calibration.withFiles(resolve), gate);
    }
}
