package io.linewatch.sinks;

import io.linewatch.pipeline.FrameEvent;
import java.nio.FloatBuffer;

/**
 * Reads a slot's segmentation mask ({@code [C, H, W]} probabilities over the model input) back at
 * source pixels, through the slot's letterbox: the centre of source pixel {@code sx} lies at mask
 * coordinate {@code (sx + 0.5) * scale + padLeft - 0.5}, sampled bilinearly with the border
 * replicated (OpenCV's {@code INTER_LINEAR}). Tables are rebuilt only when the frame size or
 * letterbox changes. Not thread-safe: one per sink stage.
 */
final class MaskSampler {

    private final int maskWidth;
    private final int maskHeight;
    private Axis columns = new Axis(0, 0f, 0f, 1);
    private Axis rows = new Axis(0, 0f, 0f, 1);

    MaskSampler(int maskWidth, int maskHeight) {
        this.maskWidth = maskWidth;
        this.maskHeight = maskHeight;
    }

    /** Makes the tables fit {@code frame}'s size and letterbox; call before sampling its rows. */
    void prepare(FrameEvent frame) {
        if (!columns.fits(frame.width, frame.letterboxScale, frame.padLeft)) {
            columns = new Axis(frame.width, frame.letterboxScale, frame.padLeft, maskWidth);
        }
        if (!rows.fits(frame.height, frame.letterboxScale, frame.padTop)) {
            rows = new Axis(frame.height, frame.letterboxScale, frame.padTop, maskHeight);
        }
    }

    /** Writes the probability of class {@code c} along source row {@code sy} into {@code out[0 .. width)}. */
    void sampleRow(FloatBuffer mask, int c, int sy, float[] out) {
        int plane = c * maskWidth * maskHeight;
        int top = plane + rows.lo[sy] * maskWidth;
        int bottom = plane + rows.hi[sy] * maskWidth;
        float wy = rows.weight[sy];
        for (int sx = 0; sx < columns.size; sx++) {
            int a = columns.lo[sx];
            int b = columns.hi[sx];
            float wx = columns.weight[sx];
            float upper = mask.get(top + a) + (mask.get(top + b) - mask.get(top + a)) * wx;
            float lower = mask.get(bottom + a) + (mask.get(bottom + b) - mask.get(bottom + a)) * wx;
            out[sx] = upper + (lower - upper) * wy;
        }
    }

    /** Source positions along one axis: the two mask cells each falls between, and the weight of the second. */
    private static final class Axis {
        final int size;
        final float scale;
        final float pad;
        final int[] lo;
        final int[] hi;
        final float[] weight;

        Axis(int size, float scale, float pad, int maskSize) {
            this.size = size;
            this.scale = scale;
            this.pad = pad;
            lo = new int[size];
            hi = new int[size];
            weight = new float[size];
            for (int s = 0; s < size; s++) {
                double u = (s + 0.5) * scale + pad - 0.5;
                int f = (int) Math.floor(u);
                lo[s] = clamp(f, maskSize);
                hi[s] = clamp(f + 1, maskSize);
                weight[s] = (float) (u - f);
            }
        }

        boolean fits(int newSize, float newScale, float newPad) {
            return size == newSize && scale == newScale && pad == newPad;
        }

        private static int clamp(int i, int maskSize) {
            return Math.max(0, Math.min(maskSize - 1, i));
        }
    }
}
