package io.linewatch.postprocess;

import io.linewatch.pipeline.Detections;
import java.nio.FloatBuffer;

/**
 * The NMS-free end-to-end layout {@code [N, 6]} of YOLOv10 and YOLO26 exports: per row corners x1,
 * y1, x2, y2 (input pixels), score, class id (a float). The head already picked one box per object,
 * so the detect stage runs it with an NMS that suppresses nothing (it only orders and caps).
 * A row whose class is not one of the model's is skipped.
 */
public final class EndToEndDecoder implements YoloDecoder {

    private static final int ROW = 6;

    private final int classes;
    private final int rows;

    /** For an output of shape {@code [rows, 6]}. */
    public EndToEndDecoder(int classes, int rows) {
        this.classes = classes;
        this.rows = rows;
    }

    @Override
    public int anchors() {
        return rows;
    }

    @Override
    public void decode(FloatBuffer out, float[] classThresholds, Detections candidates) {
        for (int i = 0; i < rows; i++) {
            int base = i * ROW;
            float s = out.get(base + 4);
            int c = Math.round(out.get(base + 5));
            if (c < 0 || c >= classes || !(s >= classThresholds[c])) {
                continue;
            }
            if (!candidates.add(out.get(base), out.get(base + 1), out.get(base + 2), out.get(base + 3), s, c, i)) {
                return;
            }
        }
    }
}
