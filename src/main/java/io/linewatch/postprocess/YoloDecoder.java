package io.linewatch.postprocess;

import io.linewatch.pipeline.Detections;
import java.nio.FloatBuffer;

/**
 * Turns one frame's raw detection output into candidate boxes, in model-input pixels, before NMS.
 * Knows the output layout only, never the engine that produced it. Not thread-safe: one per
 * detect stage.
 */
public interface YoloDecoder {

    /**
     * Appends to {@code candidates} every anchor whose best class score reaches that class's
     * threshold, as {@code x1, y1, x2, y2, score, class}.
     *
     * @param output          one frame's output, starting at index 0
     * @param classThresholds minimum score per class id
     */
    void decode(FloatBuffer output, float[] classThresholds, Detections candidates);

    /** Number of anchors (candidate boxes) per frame. */
    int anchors();
}
