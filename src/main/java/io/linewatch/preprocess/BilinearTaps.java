package io.linewatch.preprocess;

/**
 * Bilinear source taps and weights for each column and row of a letterboxed image (OpenCV's
 * {@code INTER_LINEAR} sampling), built once per source size and shared by the resamplers: x taps
 * are offsets in units of {@code xStride} (BGR bytes, or samples), y taps are rows.
 */
final class BilinearTaps {
    final LetterboxGeometry geometry;
    final int[] x0;
    final int[] x1;
    final float[] wx;
    final int[] y0;
    final int[] y1;
    final float[] wy;

    /**
     * @param xStride what one source pixel spans in the row: 3 for BGR bytes, 1 for 16-bit samples
     *                counted as samples
     */
    BilinearTaps(LetterboxGeometry g, int xStride) {
        geometry = g;
        x0 = new int[g.newWidth()];
        x1 = new int[g.newWidth()];
        wx = new float[g.newWidth()];
        y0 = new int[g.newHeight()];
        y1 = new int[g.newHeight()];
        wy = new float[g.newHeight()];
        taps(g.sourceWidth(), g.newWidth(), x0, x1, wx, xStride);
        taps(g.sourceHeight(), g.newHeight(), y0, y1, wy, 1);
    }

    /** OpenCV INTER_LINEAR: {@code src = (dst + 0.5) * in / out - 0.5}, clamped at the borders. */
    static void taps(int in, int out, int[] i0, int[] i1, float[] w, int stride) {
        double ratio = (double) in / out;
        for (int d = 0; d < out; d++) {
            double f = (d + 0.5) * ratio - 0.5;
            int s = (int) Math.floor(f);
            float weight = (float) (f - s);
            if (s < 0) {
                s = 0;
                weight = 0;
            }
            if (s >= in - 1) {
                s = in - 1;
                weight = 0;
            }
            i0[d] = s * stride;
            i1[d] = Math.min(s + 1, in - 1) * stride;
            w[d] = weight;
        }
    }
}
