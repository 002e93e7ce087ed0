package io.linewatch.inference;

import io.linewatch.config.ModelConfig;
import io.linewatch.inference.tensorrt.CalibrationBatches;
import io.linewatch.inference.tensorrt.TensorRtEngine;
import io.linewatch.inference.tensorrt.TensorRtEngines;

/** Opens the engine a model's config names. */
public final class Engines {

    private Engines() {
    }

    /**
     * Opens {@code model} on its configured engine: ONNX Runtime, or a cached TensorRT engine (which
     * may fall back to ONNX Runtime when the config allows it).
     *
     * @param name        the model's name in the config, for log lines
     * @param calibration INT8 calibration frames, for a TensorRT engine built at the start
     */
    public static InferenceEngine open(String name, ModelConfig model, CalibrationBatches.Source calibration)
            throws EngineException {
        return switch (model.engine()) {
            case ONNXRUNTIME -> OnnxRuntimeEngine.open(model);
            case TENSORRT -> TensorRtEngines.open(name, model, calibration);
        };
    }

    /** What runs an open engine, for log lines: {@code onnxruntime (cpu)} or {@code tensorrt (gpu)}. */
    public static String label(InferenceEngine engine) {
        return engine instanceof TensorRtEngine ? "tensorrt (gpu)" : "onnxruntime (cpu)";
    }
}
