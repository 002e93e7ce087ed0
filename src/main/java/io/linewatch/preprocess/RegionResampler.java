package io.linewatch.preprocess;

import io.linewatch.config.PreprocessConfig;
import java.nio.FloatBuffer;

/**
 * Crops one fixed region of a packed BGR frame and stretches it to a classifier's input (aspect not
 * kept, as {@code cv2.resize(frame[y:y+h, x:x+w], (W, H))} and torchvision's {@code Resize((H, W))}
 * do): bilinear with OpenCV's {@code INTER_LINEAR} pixel-centre mapping inside the crop, BGR to RGB,
 * {@code (pixel * pixelScale - mean) / std}, HWC to CHW. Tables are built for the crop's size once
 * (again only when it changes: a whole-frame region of a resized source); a frame allocates nothing.
 * Not thread-safe: one per region, on the preprocess thread.
 */
public final class RegionResampler {

    private final int inputWidth;
    private final int inputHeight;
    private final float[] gain = new float[3];
    private final float[] offset = new float[3];
    private final float[][] row;
    private final int[] x0;
    private final int[] x1;
    private final float[] wx;
    private final int[] y0;
    private final int[] y1;
    private final float[] wy;
    private float[] blended = new float[0];
    private int tableWidth = -1;
    private int tableHeight = -1;

    public RegionResampler(int inputWidth, int inputHeight, double pixelScale, double[] mean, double[] std) {
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        for (int c = 0; c < 3; c++) {
            gain[c] = (float) (pixelScale / std[c]);
            offset[c] = (float) (-mean[c] / std[c]);
        }
        row = new float[3][inputWidth];
        x0 = new int[inputWidth];
        x1 = new int[inputWidth];
        wx = new float[inputWidth];
        y0 = new int[inputHeight];
        y1 = new int[inputHeight];
        wy = new float[inputHeight];
    }

    /** The resampler of a model with a {@code inputWidth x inputHeight} RGB input and preprocess {@code p}. */
    public static RegionResampler of(int inputWidth, int inputHeight, PreprocessConfig p) {
        double[] mean = p.mean().stream().mapToDouble(Double::doubleValue).toArray();
        double[] std = p.std().stream().mapToDouble(Double::doubleValue).toArray();
        return new RegionResampler(inputWidth, inputHeight, p.pixelScale(), mean, std);
    }

    /**
     * Writes the input of the region {@code x, y, width, height} (source pixels, inside the frame) of
     * a frame {@code frameWidth} pixels wide at {@code input[base ..]}: 3 planes of
     * {@code inputHeight x inputWidth}.
     */
    public void apply(byte[] bgr, int frameWidth, int x, int y, int width, int height, FloatBuffer input,
                      int base) {
        tablesFor(width, height);
        int plane = inputWidth * inputHeight;
        int rowBytes = frameWidth * 3;
        int left = x * 3;
        for (int r = 0; r < inputHeight; r++) {
            blendRows(bgr, (y + y0[r]) * rowBytes + left, (y + y1[r]) * rowBytes + left, wy[r], width * 3);
            resampleRow();
            int at = base + r * inputWidth;
            for (int c = 0; c < 3; c++) {
                input.put(at + c * plane, row[c], 0, inputWidth);
            }
        }
    }

    private void blendRows(byte[] bgr, int r0, int r1, float w, int bytes) {
        float[] v = blended;
        for (int i = 0; i < bytes; i++) {
            float top = bgr[r0 + i] & 0xff;
            v[i] = top + ((bgr[r1 + i] & 0xff) - top) * w;
        }
    }

    private void resampleRow() {
        float[] v = blended;
        for (int x = 0; x < inputWidth; x++) {
            int a = x0[x];
            int b = x1[x];
            float w = wx[x];
            row[2][x] = (v[a] + (v[b] - v[a]) * w) * gain[2] + offset[2];
            row[1][x] = (v[a + 1] + (v[b + 1] - v[a + 1]) * w) * gain[1] + offset[1];
            row[0][x] = (v[a + 2] + (v[b + 2] - v[a + 2]) * w) * gain[0] + offset[0];
        }
    }

    private void tablesFor(int width, int height) {
        if (width == tableWidth && height == tableHeight) {
            return;
        }
        BilinearTaps.taps(width, inputWidth, x0, x1, wx, 3);
        BilinearTaps.taps(height, inputHeight, y0, y1, wy, 1);
        if (blended.length < width * 3) {
            blended = new float[width * 3];
        }
        tableWidth = width;
        tableHeight = height;
    }
}
