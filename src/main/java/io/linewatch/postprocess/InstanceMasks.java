package io.linewatch.postprocess;

import java.nio.FloatBuffer;

/**
 * The mask of one instance of an Ultralytics segmentation output: {@code sigmoid(coefficients .
 * prototypes)} at the prototypes' resolution ({@code H/4 x W/4}), kept inside the instance's box
 * (pixel index {@code >= x1} and {@code < x2} in prototype pixels, as Ultralytics' {@code
 * crop_mask}) and above a threshold. Allocates nothing per call. Not thread-safe: one per stage.
 */
public final class InstanceMasks {

    /** Mask coefficients per instance (Ultralytics' {@code nm}). */
    public static final int COEFFICIENTS = 32;

    private final int classes;
    private final int anchors;
    private final int maskHeight;
    private final int maskWidth;
    private final float xScale;
    private final float yScale;
    private final float logitThreshold;
    private final float[] coefficients = new float[COEFFICIENTS];

    /**
     * @param classes     the model's classes ({@code nc})
     * @param anchors     columns of the detection output ({@code N} of {@code [4 + nc + 32, N]})
     * @param maskHeight  prototype height
     * @param maskWidth   prototype width
     * @param inputHeight model input height (boxes are in input pixels)
     * @param inputWidth  model input width
     * @param threshold   mask probability a pixel must exceed, in (0, 1)
     */
    public InstanceMasks(int classes, int anchors, int maskHeight, int maskWidth, int inputHeight, int inputWidth,
                         float threshold) {
        this.classes = classes;
        this.anchors = anchors;
        this.maskHeight = maskHeight;
        this.maskWidth = maskWidth;
        this.xScale = (float) maskWidth / inputWidth;
        this.yScale = (float) maskHeight / inputHeight;
        // sigmoid(v) > t  <=>  v > log(t / (1 - t)): no exp per pixel.
        this.logitThreshold = (float) Math.log(threshold / (1.0 - threshold));
    }

    public int maskHeight() {
        return maskHeight;
    }

    public int maskWidth() {
        return maskWidth;
    }

    /**
     * Writes the mask of the instance decoded from {@code anchor} into {@code mask} (row-major,
     * {@code maskHeight * maskWidth}, 1 inside, 0 outside) and returns its pixel count.
     *
     * @param detections one frame's detection output {@code [4 + nc + 32, N]}
     * @param prototypes one frame's prototypes {@code [32, maskHeight, maskWidth]}
     */
    public int mask(FloatBuffer detections, FloatBuffer prototypes, int anchor, float x1, float y1, float x2, float y2,
                    byte[] mask) {
        for (int k = 0; k < COEFFICIENTS; k++) {
            coefficients[k] = detections.get((4 + classes + k) * anchors + anchor);
        }
        java.util.Arrays.fill(mask, 0, maskHeight * maskWidth, (byte) 0);
        float bx1 = x1 * xScale;
        float by1 = y1 * yScale;
        float bx2 = x2 * xScale;
        float by2 = y2 * yScale;
        int c0 = Math.max(0, (int) Math.ceil(bx1));
        int r0 = Math.max(0, (int) Math.ceil(by1));
        int plane = maskHeight * maskWidth;
        int area = 0;
        for (int r = r0; r < maskHeight && r < by2; r++) {
            for (int c = c0; c < maskWidth && c < bx2; c++) {
                int at = r * maskWidth + c;
                float v = 0;
                for (int k = 0; k < COEFFICIENTS; k++) {
                    v += coefficients[k] * prototypes.get(k * plane + at);
                }
                if (v > logitThreshold) {
                    mask[at] = 1;
                    area++;
                }
            }
        }
        return area;
    }
}
