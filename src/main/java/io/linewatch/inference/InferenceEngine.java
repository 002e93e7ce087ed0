package io.linewatch.inference;

import java.nio.FloatBuffer;

/**
 * Runs one model on batches of prepared tensors. Knows tensors only: nothing of YOLO, thermal or
 * masks. Not thread-safe: the inference stage that owns an engine calls it from its one thread.
 */
public interface InferenceEngine extends AutoCloseable {

    /** The model's input and output as seen by the pipeline. */
    ModelSignature signature();

    /**
     * Runs {@code batch} frames. {@code input} holds exactly {@code batch * inputFloats()} floats,
     * frame after frame; the results are written into {@code output}, which holds exactly
     * {@code batch * outputFloats()} floats. Both are direct native-order buffers, read and written in
     * place where the engine can.
     *
     * @throws EngineException when the engine fails on this batch; the engine stays usable
     */
    void run(FloatBuffer input, FloatBuffer output, int batch) throws EngineException;

    @Override
    void close();
}
