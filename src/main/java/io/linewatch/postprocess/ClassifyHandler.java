package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.ClassificationCameraConfig;
import io.linewatch.config.RegionConfig;
import io.linewatch.pipeline.ClassResult;
import io.linewatch.pipeline.FrameEvent;
import java.nio.FloatBuffer;

/**
 * The decode stage of a classification lane, on its own thread. Reads the slot's camera, size,
 * media time and raw outputs (per region: scores {@code [states]}, and, when the model exports it,
 * the class-activation map {@code [states, h, w]}); writes the slot's {@link ClassResult}: per region
 * its box, softmax probabilities (scores that are already probabilities, as an Ultralytics
 * classification export gives, are kept), the most probable state, the decided state, and the peak
 * of the most probable state's map in source pixels (the centre of the peak cell). Owns each
 * region's decided state: it follows the most probable state once that has held for
 * {@code stateHoldSeconds} of media time. Allocates nothing per frame.
 */
public final class ClassifyHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "classify";

    private final ClassificationCameraConfig[] cameras;
    private final int states;
    private final int scoresOutput;
    private final int camOutput;
    private final int camHeight;
    private final int camWidth;
    private final long holdMicros;
    /** Per camera and region: decided state (-1 before the first frame), candidate, since when. */
    private final int[][] decided;
    private final int[][] candidate;
    private final long[][] candidateSince;

    /**
     * @param cameras      each camera's regions, by camera index (null for cameras of other lanes)
     * @param scoresOutput index of the {@code [B, states]} output
     * @param camOutput    index of the {@code [B, states, h, w]} map output, or -1 when there is none
     */
    public ClassifyHandler(ClassificationCameraConfig[] cameras, int states, int scoresOutput, int camOutput,
                           int camHeight, int camWidth, double stateHoldSeconds) {
        this.cameras = cameras.clone();
        this.states = states;
        this.scoresOutput = scoresOutput;
        this.camOutput = camOutput;
        this.camHeight = camHeight;
        this.camWidth = camWidth;
        this.holdMicros = Math.round(stateHoldSeconds * 1e6);
        decided = new int[cameras.length][];
        candidate = new int[cameras.length][];
        candidateSince = new long[cameras.length][];
        for (int i = 0; i < cameras.length; i++) {
            if (cameras[i] != null) {
                int n = cameras[i].imagesPerFrame();
                decided[i] = new int[n];
                candidate[i] = new int[n];
                candidateSince[i] = new long[n];
                java.util.Arrays.fill(decided[i], -1);
                java.util.Arrays.fill(candidate[i], -1);
            }
        }
    }

    /** Index of the first output of per-image shape {@code [states]} among {@code dims} (the scores), or -1. */
    public static int scoresOutput(java.util.List<long[]> dims, int states) {
        for (int o = 0; o < dims.size(); o++) {
            if (dims.get(o).length == 1 && dims.get(o)[0] == states) {
                return o;
            }
        }
        return -1;
    }

    /** Index of the first output of per-image shape {@code [states, h, w]} (the maps), or -1. */
    public static int camOutput(java.util.List<long[]> dims, int states) {
        for (int o = 0; o < dims.size(); o++) {
            if (dims.get(o).length == 3 && dims.get(o)[0] == states) {
                return o;
            }
        }
        return -1;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (event.skipped() || !event.inferred) {
            return;
        }
        ClassResult out = event.classes;
        ClassificationCameraConfig camera = cameras[event.cameraIndex];
        int n = camera.imagesPerFrame();
        out.setRegions(n);
        FloatBuffer scores = event.outputs[scoresOutput];
        for (int r = 0; r < n; r++) {
            box(camera, r, event, out);
            probabilities(scores, r * states, out.probabilities, r * states);
            int best = argmax(out.probabilities, r * states, states);
            out.best[r] = best;
            decide(event.cameraIndex, r, best, event.mediaMicros, out);
            peak(event, r, best, out);
        }
    }

    private static void box(ClassificationCameraConfig camera, int r, FrameEvent event, ClassResult out) {
        if (camera.regions().isEmpty()) {
            out.boxX[r] = 0;
            out.boxY[r] = 0;
            out.boxWidth[r] = event.width;
            out.boxHeight[r] = event.height;
            return;
        }
        RegionConfig g = camera.regions().get(r);
        out.boxX[r] = g.x();
        out.boxY[r] = g.y();
        out.boxWidth[r] = g.width();
        out.boxHeight[r] = g.height();
    }

    /** Softmax of the scores, unless they already are probabilities (in [0, 1], summing to 1). */
    private void probabilities(FloatBuffer scores, int from, float[] p, int to) {
        float max = Float.NEGATIVE_INFINITY;
        float sum = 0;
        boolean probabilities = true;
        for (int s = 0; s < states; s++) {
            float v = scores.get(from + s);
            max = Math.max(max, v);
            sum += v;
            probabilities &= v >= 0 && v <= 1;
        }
        if (probabilities && Math.abs(sum - 1) < 1e-3f) {
            for (int s = 0; s < states; s++) {
                p[to + s] = scores.get(from + s);
            }
            return;
        }
        float total = 0;
        for (int s = 0; s < states; s++) {
            float e = (float) Math.exp(scores.get(from + s) - max);
            p[to + s] = e;
            total += e;
        }
        for (int s = 0; s < states; s++) {
            p[to + s] /= total;
        }
    }

    private static int argmax(float[] v, int from, int count) {
        int best = 0;
        for (int s = 1; s < count; s++) {
            if (v[from + s] > v[from + best]) {
                best = s;
            }
        }
        return best;
    }

    private void decide(int camera, int r, int best, long mediaMicros, ClassResult out) {
        int[] d = decided[camera];
        if (d[r] < 0 || (best != d[r] && holdMicros == 0)) {
            out.changed[r] = d[r] != best;
            d[r] = best;
            candidate[camera][r] = -1;
        } else if (best == d[r]) {
            candidate[camera][r] = -1;
            out.changed[r] = false;
        } else {
            if (candidate[camera][r] != best) {
                candidate[camera][r] = best;
                candidateSince[camera][r] = mediaMicros;
            }
            out.changed[r] = mediaMicros - candidateSince[camera][r] >= holdMicros;
            if (out.changed[r]) {
                d[r] = best;
                candidate[camera][r] = -1;
            }
        }
        out.decided[r] = d[r];
    }

    /** The peak cell of {@code state}'s map for region {@code r}, its centre in source pixels. */
    private void peak(FrameEvent event, int r, int state, ClassResult out) {
        if (camOutput < 0) {
            out.peakX[r] = Float.NaN;
            out.peakY[r] = Float.NaN;
            return;
        }
        FloatBuffer cam = event.outputs[camOutput];
        int cells = camHeight * camWidth;
        int base = (r * states + state) * cells;
        int best = 0;
        for (int k = 1; k < cells; k++) {
            if (cam.get(base + k) > cam.get(base + best)) {
                best = k;
            }
        }
        int cy = best / camWidth;
        int cx = best % camWidth;
        out.peakX[r] = out.boxX[r] + (cx + 0.5f) * out.boxWidth[r] / camWidth;
        out.peakY[r] = out.boxY[r] + (cy + 0.5f) * out.boxHeight[r] / camHeight;
    }
}
