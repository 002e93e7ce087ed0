package io.linewatch.postprocess;

import io.linewatch.pipeline.Detections;
import java.util.Arrays;

/**
 * Greedy non-maximum suppression: boxes in descending score order, each kept unless it overlaps a
 * kept box (of the same class, or of any class when class-agnostic) by more than the IoU
 * threshold; at most {@code maxDetections} kept. Allocates nothing per call. Not thread-safe.
 */
public final class Nms {

    private final float iouThreshold;
    private final boolean classAgnostic;
    private final int maxDetections;
    private long[] order;

    public Nms(float iouThreshold, boolean classAgnostic, int maxDetections, int capacity) {
        this.iouThreshold = iouThreshold;
        this.classAgnostic = classAgnostic;
        this.maxDetections = maxDetections;
        this.order = new long[capacity];
    }

    /** Writes the boxes of {@code candidates} that survive into {@code kept} (cleared first), best first. */
    public void apply(Detections candidates, Detections kept) {
        kept.clear();
        int n = candidates.count();
        if (order.length < n) {
            order = new long[n];
        }
        for (int i = 0; i < n; i++) {
            // Scores are >= 0, so their IEEE bits sort like the values; ~ turns ascending into descending.
            order[i] = ((long) ~Float.floatToIntBits(candidates.score[i]) << 32) | i;
        }
        Arrays.sort(order, 0, n);
        int limit = Math.min(maxDetections, kept.capacity());
        for (int k = 0; k < n && kept.count() < limit; k++) {
            int i = (int) order[k];
            if (!overlapsKept(candidates, i, kept)) {
                kept.addFrom(candidates, i);
            }
        }
    }

    private boolean overlapsKept(Detections c, int i, Detections kept) {
        float area = (c.x2[i] - c.x1[i]) * (c.y2[i] - c.y1[i]);
        for (int j = 0; j < kept.count(); j++) {
            if (!classAgnostic && kept.classId[j] != c.classId[i]) {
                continue;
            }
            float iw = Math.min(c.x2[i], kept.x2[j]) - Math.max(c.x1[i], kept.x1[j]);
            float ih = Math.min(c.y2[i], kept.y2[j]) - Math.max(c.y1[i], kept.y1[j]);
            if (iw <= 0 || ih <= 0) {
                continue;
            }
            float inter = iw * ih;
            float other = (kept.x2[j] - kept.x1[j]) * (kept.y2[j] - kept.y1[j]);
            if (inter / (area + other - inter) > iouThreshold) {
                return true;
            }
        }
        return false;
    }
}
