package io.linewatch.inference;

import java.nio.FloatBuffer;

/**
 * Runs one model on batches of prepared tensors. Knows tensors only: nothing of YOLO, thermal or
 * masks. Not thread-safe: the inference stage that owns an engine calls it from its one thread.
 */
public interface InferenceEngine extends AutoCloseable {

    /** The model's input and outputs as seen by the pipeline. */
    ModelSignature signature();

    /** What the model file says about itself ({@link ModelMetadata#NONE} when the engine does not know). */
    default ModelMetadata metadata() {
        return ModelMetadata.NONE;
    }

    /**
     * Runs {@code batch} frames. {@code input} holds exactly {@code batch * inputFloats()} floats,
     * frame after frame; output {@code i} is written into {@code outputs[i]}, which holds exactly
     * {@code batch} times that output's per-frame floats (in the signature's output order). All
     * buffers are direct and native-order, read and written in place where the engine can.
     *
     * @throws EngineException when the engine fails on this batch; the engine stays usable
     */
    void run(FloatBuffer input, FloatBuffer[] outputs, int batch) throws EngineException;

    /** {@link #run(FloatBuffer, FloatBuffer[], int)} for a model with one output. */
    default void run(FloatBuffer input, FloatBuffer output, int batch) throws EngineException {
        run(input, new FloatBuffer[] {output}, batch);
    }

    @Override
    void close();
}
