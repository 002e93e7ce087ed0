package io.linewatch.postprocess;

import io.linewatch.pipeline.Detections;
import java.nio.FloatBuffer;

/**
 * The Ultralytics YOLOv8/11 layout {@code [4 + nc, N]}: rows of centre x, centre y, width, height,
 * then one row of (already sigmoid) scores per class; no objectness. Reads the first {@code 4 + nc}
 * rows only, so it decodes the boxes of an instance segmentation output {@code [4 + nc + 32, N]}
 * too; each box keeps its anchor (the column of its mask coefficients).
 */
public final class YoloV8Decoder implements YoloDecoder {

    private final int classes;
    private final int anchors;
    private final float[] best;
    private final int[] bestClass;

    /** For an output of shape {@code [4 + classes, anchors]}. */
    public YoloV8Decoder(int classes, int anchors) {
        this.classes = classes;
        this.anchors = anchors;
        this.best = new float[anchors];
        this.bestClass = new int[anchors];
    }

    @Override
    public int anchors() {
        return anchors;
    }

    @Override
    public void decode(FloatBuffer out, float[] classThresholds, Detections candidates) {
        int n = anchors;
        // Class-major passes read the output row by row, in memory order.
        out.get(4 * n, best, 0, n);
        java.util.Arrays.fill(bestClass, 0);
        for (int c = 1; c < classes; c++) {
            int row = (4 + c) * n;
            for (int i = 0; i < n; i++) {
                float s = out.get(row + i);
                if (s > best[i]) {
                    best[i] = s;
                    bestClass[i] = c;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            int c = bestClass[i];
            float s = best[i];
            if (s >= classThresholds[c]) {
                float cx = out.get(i);
                float cy = out.get(n + i);
                float hw = out.get(2 * n + i) * 0.5f;
                float hh = out.get(3 * n + i) * 0.5f;
                if (!candidates.add(cx - hw, cy - hh, cx + hw, cy + hh, s, c, i)) {
                    return;
                }
            }
        }
    }
}
