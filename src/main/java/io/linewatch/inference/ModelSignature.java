package io.linewatch.inference;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tensors of a model as the pipeline sees them: one image input {@code [B, C, H, W]} and one or
 * more outputs, each with its per-frame shape. Outputs keep the model's order; the first is the one
 * a single-output decoder reads.
 *
 * @param inputName  input tensor name
 * @param channels   input channels (3: RGB, 1: one plane such as temperature)
 * @param height     input height in pixels
 * @param width      input width in pixels
 * @param outputs    the output tensors, in the model's order
 * @param fixedBatch the model's batch size when it is not dynamic, else 0
 */
public record ModelSignature(String inputName, int channels, int height, int width, List<Output> outputs,
                             int fixedBatch) {

    /**
     * One output tensor.
     *
     * @param name tensor name
     * @param dims shape of one frame's output (the batch dimension left out)
     */
    public record Output(String name, long[] dims) {

        /** Floats of one frame's output. */
        public int floats() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return Math.toIntExact(n);
        }

        @Override
        public String toString() {
            return name + "[B," + Arrays.toString(dims).replaceAll("[\\[\\] ]", "") + "]";
        }
    }

    public ModelSignature {
        outputs = List.copyOf(outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one output");
        }
    }

    /** A model with one output. */
    public ModelSignature(String inputName, int channels, int height, int width, String outputName,
                          long[] outputDims, int fixedBatch) {
        this(inputName, channels, height, width, List.of(new Output(outputName, outputDims)), fixedBatch);
    }

    /** Floats of one frame's input. */
    public int inputFloats() {
        return channels * height * width;
    }

    /** The first output's per-frame shape. */
    public long[] outputDims() {
        return outputs.get(0).dims();
    }

    /** Floats of one frame's output number {@code i}, one entry per output. */
    public int[] outputFloatsEach() {
        return outputs.stream().mapToInt(Output::floats).toArray();
    }

    /** The index of the output called {@code name}, or -1. */
    public int outputIndex(String name) {
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return inputName + "[B," + channels + "," + height + "," + width + "] -> "
                + outputs.stream().map(Output::toString).collect(Collectors.joining(", "))
                + (fixedBatch > 0 ? " (batch fixed at " + fixedBatch + ")" : " (dynamic batch)");
    }
}
