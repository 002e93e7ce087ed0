package io.linewatch.preprocess;

import io.linewatch.config.PreprocessConfig;
import io.linewatch.pipeline.I420;
import java.nio.FloatBuffer;

/**
 * Turns a packed BGR frame, or a frame's I420 planes, into a normalised, letterboxed, planar RGB model
 * input, row by row: bilinear resize with OpenCV's {@code INTER_LINEAR} pixel-centre mapping (a
 * vertical blend of two source rows, then horizontal taps; from planes, the four taps of each input
 * pixel converted to RGB as OpenCV's {@code COLOR_YUV2BGR_I420} does, and nothing else), BGR to RGB,
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
    /** Taps in pixels (x stride 1), for frames in planes. */
    private BilinearTaps planeTables;

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

    /**
     * Writes the input for one I420 frame ({@link I420}'s layout) at {@code input[base ..]}, converting
     * colour only at the source pixels the taps read, and returns the letterbox used.
     */
    public LetterboxGeometry applyI420(byte[] yuv, int width, int height, FloatBuffer input, int base) {
        BilinearTaps t = planeTablesFor(width, height);
        LetterboxGeometry g = t.geometry;
        int plane = inputWidth * inputHeight;
        fillPadding(input, base, plane, g);
        for (int y = 0; y < g.newHeight(); y++) {
            sampleI420Row(yuv, width, height, t, y);
            int at = base + (y + g.padTop()) * inputWidth + g.padLeft();
            for (int c = 0; c < 3; c++) {
                input.put(at + c * plane, row[c], 0, g.newWidth());
            }
        }
        return g;
    }

    /** One input row from planes: per input pixel, its four taps converted to RGB and blended. */
    private void sampleI420Row(byte[] yuv, int width, int height, BilinearTaps t, int y) {
        int r0 = t.y0[y];
        int r1 = t.y1[y];
        float wy = t.wy[y];
        int cw = I420.chromaWidth(width);
        int u0 = I420.uOffset(width, height) + (r0 >> 1) * cw;
        int u1 = I420.uOffset(width, height) + (r1 >> 1) * cw;
        int v0 = I420.vOffset(width, height) + (r0 >> 1) * cw;
        int v1 = I420.vOffset(width, height) + (r1 >> 1) * cw;
        int y0 = r0 * width;
        int y1 = r1 * width;
        float[] red = row[0];
        float[] green = row[1];
        float[] blue = row[2];
        int n = t.geometry.newWidth();
        for (int x = 0; x < n; x++) {
            int a = t.x0[x];
            int b = t.x1[x];
            float wx = t.wx[x];
            int ua = yuv[u0 + (a >> 1)] & 0xff;
            int va = yuv[v0 + (a >> 1)] & 0xff;
            int ub = yuv[u0 + (b >> 1)] & 0xff;
            int vb = yuv[v0 + (b >> 1)] & 0xff;
            int la = I420.luma(yuv[y0 + a] & 0xff);
            int lb = I420.luma(yuv[y0 + b] & 0xff);
            float rr = lerp(I420.red(la, va), I420.red(lb, vb), wx);
            float gg = lerp(I420.green(la, ua, va), I420.green(lb, ub, vb), wx);
            float bb = lerp(I420.blue(la, ua), I420.blue(lb, ub), wx);
            if (wy != 0f) {
                ua = yuv[u1 + (a >> 1)] & 0xff;
                va = yuv[v1 + (a >> 1)] & 0xff;
                ub = yuv[u1 + (b >> 1)] & 0xff;
                vb = yuv[v1 + (b >> 1)] & 0xff;
                la = I420.luma(yuv[y1 + a] & 0xff);
                lb = I420.luma(yuv[y1 + b] & 0xff);
                rr += (lerp(I420.red(la, va), I420.red(lb, vb), wx) - rr) * wy;
                gg += (lerp(I420.green(la, ua, va), I420.green(lb, ub, vb), wx) - gg) * wy;
                bb += (lerp(I420.blue(la, ua), I420.blue(lb, ub), wx) - bb) * wy;
            }
            red[x] = rr * gain[0] + offset[0];
            green[x] = gg * gain[1] + offset[1];
            blue[x] = bb * gain[2] + offset[2];
        }
    }

    private static float lerp(int a, int b, float w) {
        return a + (b - a) * w;
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

    private BilinearTaps planeTablesFor(int width, int height) {
        if (planeTables == null || planeTables.geometry.sourceWidth() != width
                || planeTables.geometry.sourceHeight() != height) {
            planeTables = new BilinearTaps(LetterboxGeometry.of(width, height, inputWidth, inputHeight), 1);
        }
        return planeTables;
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
