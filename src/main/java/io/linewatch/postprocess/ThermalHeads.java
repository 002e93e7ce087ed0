package io.linewatch.postprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a thermal model's two outputs are, found by name, and the heat map's geometry: {@code temps}
 * {@code [B, 3]} (max, avg, min) and {@code heatmap} {@code [B, 1, H/s, W/s]} for an input of
 * {@code W x H} and an integer stride {@code s}.
 *
 * @param tempsIndex    index of {@code temps} among the model's outputs
 * @param heatmapIndex  index of {@code heatmap}
 * @param heatmapHeight heat map rows
 * @param heatmapWidth  heat map columns
 * @param stride        input pixels per heat-map cell, each way
 */
public record ThermalHeads(int tempsIndex, int heatmapIndex, int heatmapHeight, int heatmapWidth, int stride) {

    public static final String TEMPS = "temps";
    public static final String HEATMAP = "heatmap";

    /**
     * Finds the heads among the outputs, in the model's order.
     *
     * @param names       output names
     * @param dims        each output's per-frame shape (batch left out)
     * @param inputWidth  the model's input width
     * @param inputHeight the model's input height
     * @throws IllegalArgumentException (one line) when one is missing or misshaped
     */
    public static ThermalHeads find(List<String> names, List<long[]> dims, int inputWidth, int inputHeight) {
        int temps = names.indexOf(TEMPS);
        int heatmap = names.indexOf(HEATMAP);
        String needs = "a thermal model needs outputs temps [B,3] and heatmap [B,1," + inputHeight + "/s,"
                + inputWidth + "/s] (it has " + describe(names, dims) + ")";
        if (temps < 0 || heatmap < 0) {
            throw new IllegalArgumentException("no output named '" + (temps < 0 ? TEMPS : HEATMAP) + "'; " + needs);
        }
        if (!Arrays.equals(dims.get(temps), new long[] {3})) {
            throw new IllegalArgumentException("output 'temps' has shape " + shape(dims.get(temps)) + "; " + needs);
        }
        long[] h = dims.get(heatmap);
        boolean fits = h.length == 3 && h[0] == 1 && h[1] > 0 && h[2] > 0 && inputHeight % h[1] == 0
                && inputWidth % h[2] == 0 && inputHeight / h[1] == inputWidth / h[2];
        if (!fits) {
            throw new IllegalArgumentException("output 'heatmap' has shape " + shape(h) + "; " + needs);
        }
        return new ThermalHeads(temps, heatmap, (int) h[1], (int) h[2], (int) (inputWidth / h[2]));
    }

    private static String shape(long[] perFrame) {
        List<String> parts = new ArrayList<>();
        parts.add("B");
        for (long d : perFrame) {
            parts.add(Long.toString(d));
        }
        return "[" + String.join(",", parts) + "]";
    }

    private static String describe(List<String> names, List<long[]> dims) {
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            outputs.add(names.get(i) + " " + shape(dims.get(i)));
        }
        return String.join(", ", outputs);
    }
}
