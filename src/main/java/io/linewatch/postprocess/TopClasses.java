package io.linewatch.postprocess;

import java.nio.FloatBuffer;

/**
 * The best classes of a classification output {@code [nc]} (probabilities or logits, read as
 * given), best first; ties keep the lower class id first. Allocates nothing per call.
 */
public final class TopClasses {

    private TopClasses() {
    }

    /**
     * Writes the {@code ids.length} best classes of {@code out} (one frame's {@code classes} scores)
     * into {@code ids} and their scores into {@code scores}, best first; returns how many were written
     * (fewer when there are fewer classes).
     */
    public static int top(FloatBuffer out, int classes, int[] ids, float[] scores) {
        int n = Math.min(ids.length, classes);
        for (int k = 0; k < n; k++) {
            ids[k] = -1;
            scores[k] = Float.NEGATIVE_INFINITY;
        }
        for (int c = 0; c < classes; c++) {
            float s = out.get(c);
            int at = n;
            while (at > 0 && (ids[at - 1] < 0 || s > scores[at - 1])) {
                at--;
            }
            if (at < n) {
                System.arraycopy(ids, at, ids, at + 1, n - at - 1);
                System.arraycopy(scores, at, scores, at + 1, n - at - 1);
                ids[at] = c;
                scores[at] = s;
            }
        }
        return n;
    }
}
