package io.linewatch.postprocess;

import io.linewatch.pipeline.Detections;
import java.nio.FloatBuffer;

/**
 * The YOLOv5 layout {@code [N, 5 + nc]}: per anchor centre x, centre y, width, height, objectness,
 * then class probabilities; a box's score is objectness times its best class probability.
 */
public final class YoloV5Decoder implements YoloDecoder {

    private final int classes;
    private final int anchors;
    private final int stride;

    /** For an output of shape {@code [anchors, 5 + classes]}. */
    public YoloV5Decoder(int classes, int anchors) {
        this.classes = classes;
        this.anchors = anchors;
        this.stride = 5 + classes;
    }

    @Override
    public int anchors() {
        return anchors;
    }

    @Override
    public void decode(FloatBuffer out, float[] classThresholds, Detections candidates) {
        float lowest = Float.MAX_VALUE;
        for (float t : classThresholds) {
            lowest = Math.min(lowest, t);
        }
        for (int i = 0; i < anchors; i++) {
            int base = i * stride;
            float objectness = out.get(base + 4);
            if (objectness < lowest) {
                continue; // score = objectness * p <= objectness: cannot pass any threshold
            }
            int c = 0;
            float p = out.get(base + 5);
            for (int k = 1; k < classes; k++) {
                float q = out.get(base + 5 + k);
                if (q > p) {
                    p = q;
                    c = k;
                }
            }
            float s = objectness * p;
            if (s >= classThresholds[c]) {
                float cx = out.get(base);
                float cy = out.get(base + 1);
                float hw = out.get(base + 2) * 0.5f;
                float hh = out.get(base + 3) * 0.5f;
                if (!candidates.add(cx - hw, cy - hh, cx + hw, cy + hh, s, c)) {
                    return;
                }
            }
        }
    }
}
