package io.linewatch.inference;

import java.util.Arrays;

/**
 * The tensors of a model as the pipeline sees them: one image input {@code [B, C, H, W]} and one
 * output whose per-frame shape is {@code outputDims}.
 *
 * @param inputName  input tensor name
 * @param channels   input channels
 * @param height     input height in pixels
 * @param width      input width in pixels
 * @param outputName output tensor name
 * @param outputDims output shape of one frame (the batch dimension left out)
 * @param fixedBatch the model's batch size when it is not dynamic, else 0
 */
public record ModelSignature(
        String inputName, int channels, int height, int width,
        String outputName, long[] outputDims, int fixedBatch) {

    /** Floats of one frame's input. */
    public int inputFloats() {
        return channels * height * width;
    }

    /** Floats of one frame's output. */
    public int outputFloats() {
        long n = 1;
        for (long d : outputDims) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    @Override
    public String toString() {
        return inputName + "[B," + channels + "," + height + "," + width + "] -> " + outputName
                + "[B," + Arrays.toString(outputDims).replaceAll("[\\[\\] ]", "") + "]"
                + (fixedBatch > 0 ? " (batch fixed at " + fixedBatch + ")" : " (dynamic batch)");
    }
}
