package io.linewatch.inference.tensorrt;

import io.linewatch.inference.EngineException;
import java.nio.FloatBuffer;

/**
 * Ready model inputs for INT8 calibration, one batch of the plan's opt size at a time: what the
 * calibrator hands TensorRT. Where the frames come from and how they are preprocessed is the
 * caller's business (the engine building package makes them from clips and images with the model's
 * own preprocess); this package sees tensors only. Used by the one thread that builds the engine,
 * and only when TensorRT asks for frames (not when it reuses a calibration cache).
 */
public interface CalibrationBatches extends AutoCloseable {

    /**
     * Writes the next batch's inputs into {@code batch}, frame after frame ({@code inputFloats} each).
     *
     * @return false when no whole batch remains (a partial batch is not used)
     * @throws RuntimeException the frames cannot be read; the build fails with its message
     */
    boolean nextBatch(FloatBuffer batch);

    @Override
    void close();

    /** Opens the calibration batches of a plan; called once per INT8 build, before TensorRT starts. */
    @FunctionalInterface
    interface Source {

        /**
         * @throws EngineException one line naming the model and the calibration setting that is wrong
         */
        CalibrationBatches open(BuildPlan plan) throws EngineException;
    }
}
