package io.linewatch.preprocess;

import io.linewatch.config.PreprocessConfig;
import java.nio.FloatBuffer;

/**
 * Turns a packed BGR frame into a normalised, letterboxed, planar RGB model input, row by row:
 * bilinear resize with OpenCV's {@code INTER_LINEAR} pixel-centre mapping (a vertical blend of two
 * source rows, then horizontal taps), BGR to RGB,
 * {@code (pixel * pixelScale - mean) / std}, HWC to CHW, and the pad value around it. Sampling tables
 * are built once per source size; a frame allocates nothing. Not thread-safe: one per preprocess
 * thread.
 */
public final class LetterboxResampler {

    private final int inputWidth;
    private final int inputHeight;
    /** Per RGB channel: {@code value = pixel * gain + offset}. */
    private final float[] gain = new float[3];
    private final float[] offset = new float[3];
    private final float[] padded = new float[3];
    private final float[][] row;
    private final float[] padRow;
    /** One source row, the two nearest rows blended vertically; grows with the widest source. */
    private float[] blended = new float[0];
    private BilinearTaps tables;

    /**
     * @param pixelScale factor on 0..255 pixels
     * @param mean       RGB means after scaling
     * @param std        RGB standard deviations after scaling
     * @param padValue   border value 0..255, the same for all channels
     */
    public LetterboxResampler(int inputWidth, int inputHeight, double pixelScale, double[] mean, double[] std,
                              int padValue) {
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        for (int c = 0; c < 3; c++) {
            gain[c] = (float) (pixelScale / std[c]);
            offset[c] = (float) (-mean[c] / std[c]);
            padded[c] = padValue * gain[c] + offset[c];
        }
        row = new float[3][inputWidth];
        padRow = new float[inputWidth];
    }

    /** The resampler a model with a {@code inputWidth x inputHeight} RGB input and preprocess {@code p} uses. */
    public static LetterboxResampler of(int inputWidth, int inputHeight, PreprocessConfig p) {
        double[] mean = p.mean().stream().mapToDouble(Double::doubleValue).toArray();
        double[] std = p.std().stream().mapToDouble(Double::doubleValue).toArray();
        return new LetterboxResampler(inputWidth, inputHeight, p.pixelScale(), mean, std, p.padValue());
    }

    /**
     * Writes the input for one frame at {@code input[base ..]} (3 planes of {@code inputHeight x
     * inputWidth}) and returns the letterbox used.
     */
    public LetterboxGeometry apply(byte[] bgr, int width, int height, FloatBuffer input, int base) {
        BilinearTaps t = tablesFor(width, height);
        LetterboxGeometry g = t.geometry;
        int plane = inputWidth * inputHeight;
        fillPadding(input, base, plane, g);
        int rowBytes = width * 3;
        for (int y = 0; y < g.newHeight(); y++) {
            blendRows(bgr, t.y0[y] * rowBytes, t.y1[y] * rowBytes, t.wy[y], rowBytes);
            resampleRow(t);
            int at = base + (y + g.padTop()) * inputWidth + g.padLeft();
            for (int c = 0; c < 3; c++) {
                input.put(at + c * plane, row[c], 0, g.newWidth());
            }
        }
        return g;
    }

    /** Vertical pass: the two source rows blended into {@link #blended}, all channels at once. */
    private void blendRows(byte[] bgr, int r0, int r1, float wy, int rowBytes) {
        float[] v = blended;
        if (wy == 0f) {
            for (int i = 0; i < rowBytes; i++) {
                v[i] = bgr[r0 + i] & 0xff;
            }
            return;
        }
        for (int i = 0; i < rowBytes; i++) {
            float top = bgr[r0 + i] & 0xff;
            v[i] = top + ((bgr[r1 + i] & 0xff) - top) * wy;
        }
    }

    /** Horizontal pass: taps of the blended row, BGR to RGB planes, normalised. */
    private void resampleRow(BilinearTaps t) {
        float[] v = blended;
        float[] red = row[0];
        float[] green = row[1];
        float[] blue = row[2];
        int n = t.geometry.newWidth();
        for (int x = 0; x < n; x++) {
            int a = t.x0[x];
            int b = t.x1[x];
            float wx = t.wx[x];
            blue[x] = (v[a] + (v[b] - v[a]) * wx) * gain[2] + offset[2];
            green[x] = (v[a + 1] + (v[b + 1] - v[a + 1]) * wx) * gain[1] + offset[1];
            red[x] = (v[a + 2] + (v[b + 2] - v[a + 2]) * wx) * gain[0] + offset[0];
        }
    }

    private void fillPadding(FloatBuffer input, int base, int plane, LetterboxGeometry g) {
        int right = g.padLeft() + g.newWidth();
        int bottom = g.padTop() + g.newHeight();
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(padRow, padded[c]);
            int planeBase = base + c * plane;
            for (int y = 0; y < inputHeight; y++) {
                int at = planeBase + y * inputWidth;
                if (y < g.padTop() || y >= bottom) {
                    input.put(at, padRow, 0, inputWidth);
                } else {
                    input.put(at, padRow, 0, g.padLeft());
                    input.put(at + right, padRow, 0, inputWidth - right);
                }
            }
        }
    }

    private BilinearTaps tablesFor(int width, int height) {
        if (tables == null || tables.geometry.sourceWidth() != width || tables.geometry.sourceHeight() != height) {
            tables = new BilinearTaps(LetterboxGeometry.of(width, height, inputWidth, inputHeight), 3);
            if (blended.length < width * 3) {
                blended = new float[width * 3];
            }
        }
        return tables;
    }
}
