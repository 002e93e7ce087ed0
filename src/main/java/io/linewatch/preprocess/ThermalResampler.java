package io.linewatch.preprocess;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Turns a 16-bit radiometric frame into a thermal model's one-plane input: each sample is looked up
 * in the camera's table (count to normalised object temperature). A frame of the model's size is
 * copied through the table as it is; any other is letterboxed like the RGB input (aspect kept,
 * bilinear with OpenCV's {@code INTER_LINEAR} pixel centres, centred, the border at a pad value).
 * Sampling tables are built once per source size; a frame allocates nothing. Not thread-safe: one
 * per preprocess thread.
 */
final class ThermalResampler {

    private final int inputWidth;
    private final int inputHeight;
    private final float[] row;
    private float[] top = new float[0];
    private float[] bottom = new float[0];
    private BilinearTaps taps;

    ThermalResampler(int inputWidth, int inputHeight) {
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.row = new float[inputWidth];
    }

    /**
     * Writes the input of one frame ({@code inputHeight x inputWidth} floats from index 0 of
     * {@code input}) and returns the letterbox used.
     *
     * @param gray16le the frame, one little-endian sample a pixel, rows packed
     * @param table    normalised input value of each count 0..65535
     * @param pad      the border's value, where the frame does not fill the input
     */
    LetterboxGeometry apply(byte[] gray16le, int width, int height, float[] table, float pad, FloatBuffer input) {
        BilinearTaps t = tapsFor(width, height);
        LetterboxGeometry g = t.geometry;
        if (width == inputWidth && height == inputHeight) {
            for (int y = 0; y < height; y++) {
                lookUp(gray16le, y * width, width, table, row);
                input.put(y * inputWidth, row, 0, inputWidth);
            }
            return g;
        }
        fillPadding(input, g, pad);
        for (int y = 0; y < g.newHeight(); y++) {
            lookUp(gray16le, t.y0[y] * width, width, table, top);
            lookUp(gray16le, t.y1[y] * width, width, table, bottom);
            float wy = t.wy[y];
            for (int x = 0; x < g.newWidth(); x++) {
                int a = t.x0[x];
                int b = t.x1[x];
                float upper = top[a] + (top[b] - top[a]) * t.wx[x];
                float lower = bottom[a] + (bottom[b] - bottom[a]) * t.wx[x];
                row[x] = upper + (lower - upper) * wy;
            }
            input.put((y + g.padTop()) * inputWidth + g.padLeft(), row, 0, g.newWidth());
        }
        return g;
    }

    /** {@code n} samples from pixel {@code first} on, through the table. */
    private static void lookUp(byte[] gray16le, int first, int n, float[] table, float[] out) {
        for (int x = 0, b = 2 * first; x < n; x++, b += 2) {
            out[x] = table[(gray16le[b] & 0xff) | (gray16le[b + 1] & 0xff) << 8];
        }
    }

    private void fillPadding(FloatBuffer input, LetterboxGeometry g, float pad) {
        Arrays.fill(row, pad);
        int right = g.padLeft() + g.newWidth();
        int bottomRow = g.padTop() + g.newHeight();
        for (int y = 0; y < inputHeight; y++) {
            int at = y * inputWidth;
            if (y < g.padTop() || y >= bottomRow) {
                input.put(at, row, 0, inputWidth);
            } else {
                input.put(at, row, 0, g.padLeft());
                input.put(at + right, row, 0, inputWidth - right);
            }
        }
    }

    private BilinearTaps tapsFor(int width, int height) {
        if (taps == null || taps.geometry.sourceWidth() != width || taps.geometry.sourceHeight() != height) {
            taps = new BilinearTaps(LetterboxGeometry.of(width, height, inputWidth, inputHeight), 1);
            if (top.length < width) {
                top = new float[width];
                bottom = new float[width];
            }
        }
        return taps;
    }
}
