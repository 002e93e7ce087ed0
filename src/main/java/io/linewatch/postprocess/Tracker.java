package io.linewatch.postprocess;

import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.Assignment;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.Tracks;
import java.util.Arrays;

/**
 * ByteTrack on one camera's detections, one frame at a time. Each track predicts its box with a
 * constant-velocity Kalman filter on centre, width and height (ByteTrack's noise model scaled by
 * the box, as BoT-SORT's xywh variant: its covariance is block-diagonal, so it runs as four
 * two-state filters); detections are then given to tracks by an optimal assignment on IoU, in
 * three rounds:
 * <ol>
 *   <li>high-score detections to confirmed tracks, live or lost (IoU at least {@code match_iou});</li>
 *   <li>low-score detections to the live tracks still unmatched (IoU at least 0.5): an object whose
 *       score dips (occlusion, blur) keeps its track instead of losing it;</li>
 *   <li>the remaining high-score detections to tentative tracks (IoU at least 0.3).</li>
 * </ol>
 * Only boxes of the track's class match. A tentative track is confirmed, and given the camera's next
 * id, after {@code min_hits} matched frames, and dropped silently the first frame it is unmatched; a
 * confirmed track unmatched for more than {@code track_buffer} frames ends (its id goes into the
 * slot's ended tracks); a high-score detection nobody took, at or above {@code new_track_score},
 * starts a tentative track. All state lives in arrays sized once; nothing is allocated per frame.
 * Not thread-safe: driven by the track stage's thread.
 */
public final class Tracker {

    private static final float LOW_MATCH_IOU = 0.5f;
    private static final float TENTATIVE_MATCH_IOU = 0.3f;
    private static final float STD_POSITION = 1f / 20;
    private static final float STD_VELOCITY = 1f / 160;
    private static final byte TENTATIVE = 0;
    private static final byte TRACKED = 1;
    private static final byte LOST = 2;

    private final float highScore;
    private final float lowScore;
    private final float newTrackScore;
    private final float matchIou;
    private final int trackBuffer;
    private final int minHits;
    private final Assignment assignment;

    // Tracks, dense in [0, count): id (0 while tentative), class, state, matched frames, frames unmatched.
    private int count;
    private int nextId = 1;
    private final int[] id;
    private final int[] cls;
    private final byte[] state;
    private final int[] hits;
    private final int[] missed;
    // Kalman state per track and axis (4t + k; k: centre x, centre y, width, height).
    private final float[] pos;
    private final float[] vel;
    private final float[] p00;
    private final float[] p01;
    private final float[] p11;

    // Scratch of one frame.
    private final int[] high;
    private final int[] low;
    private final int[] pool;
    private final int[] rowToCol;
    private final int[] detTrack;
    private final boolean[] matched;

    /**
     * @param assignment a solver of at least {@code maxTracks} by {@code maxDetections}; trackers run
     *                   by one thread may share one
     */
    public Tracker(TrackerConfig config, int maxDetections, Assignment assignment) {
        this.highScore = config.highScore().floatValue();
        this.lowScore = config.lowScore().floatValue();
        this.newTrackScore = config.newTrackScore().floatValue();
        this.matchIou = config.matchIou().floatValue();
        this.trackBuffer = config.trackBuffer();
        this.minHits = config.minHits();
        this.assignment = assignment;
        int tracks = config.maxTracks();
        id = new int[tracks];
        cls = new int[tracks];
        state = new byte[tracks];
        hits = new int[tracks];
        missed = new int[tracks];
        pos = new float[4 * tracks];
        vel = new float[4 * tracks];
        p00 = new float[4 * tracks];
        p01 = new float[4 * tracks];
        p11 = new float[4 * tracks];
        high = new int[maxDetections];
        low = new int[maxDetections];
        pool = new int[tracks];
        rowToCol = new int[Math.max(tracks, maxDetections)];
        detTrack = new int[maxDetections];
        matched = new boolean[tracks];
    }

    /** A solver large enough for trackers of this config. */
    public static Assignment assignmentFor(TrackerConfig config, int maxDetections) {
        return new Assignment(config.maxTracks(), maxDetections);
    }

    /**
     * Feeds one frame's detections; writes each detection's track id (0: none confirmed) and the
     * tracks that ended into {@code out}.
     */
    public void update(Detections d, Tracks out) {
        int n = d.count();
        out.clear(n);
        for (int t = 0; t < count; t++) {
            predict(t);
        }
        int nHigh = 0;
        int nLow = 0;
        for (int i = 0; i < n; i++) {
            if (d.score[i] >= highScore) {
                high[nHigh++] = i;
            } else if (d.score[i] >= lowScore) {
                low[nLow++] = i;
            }
        }
        Arrays.fill(detTrack, 0, n, -1);
        Arrays.fill(matched, 0, count, false);
        associate(poolOf(TRACKED, LOST, false), high, nHigh, matchIou, d);
        associate(poolOf(TRACKED, TRACKED, true), low, nLow, LOW_MATCH_IOU, d);
        int unmatchedHigh = 0;
        for (int k = 0; k < nHigh; k++) {
            if (detTrack[high[k]] < 0) {
                high[unmatchedHigh++] = high[k];
            }
        }
        associate(poolOf(TENTATIVE, TENTATIVE, false), high, unmatchedHigh, TENTATIVE_MATCH_IOU, d);
        for (int i = 0; i < n; i++) {
            if (detTrack[i] >= 0) {
                out.id[i] = matchedTo(detTrack[i], d, i);
            }
        }
        endUnmatched(out);
        for (int k = 0; k < unmatchedHigh; k++) {
            int i = high[k];
            if (detTrack[i] < 0 && d.score[i] >= newTrackScore && count < id.length) {
                out.id[i] = start(d, i);
            }
        }
    }

    /**
     * The source ended: every confirmed track ends now (its id into {@code out}'s ended tracks),
     * tentative ones are dropped, and the tracker starts empty. Ids go on from where they were.
     */
    public void endAll(Tracks out) {
        out.clear(out.id.length);
        for (int t = count - 1; t >= 0; t--) {
            if (id[t] != 0) {
                out.addEnded(id[t]);
            }
        }
        count = 0;
    }

    /** Tracks currently kept: tentative, live and lost. */
    public int trackCount() {
        return count;
    }

    /** The tracks in state {@code a} or {@code b} (only unmatched ones if asked) into the pool; its size. */
    private int poolOf(byte a, byte b, boolean unmatchedOnly) {
        int np = 0;
        for (int t = 0; t < count; t++) {
            if ((state[t] == a || state[t] == b) && !(unmatchedOnly && matched[t])) {
                pool[np++] = t;
            }
        }
        return np;
    }

    /** Optimal assignment of the first {@code np} pool tracks to {@code dets}, by IoU at least {@code gate}. */
    private void associate(int np, int[] dets, int nd, float gate, Detections d) {
        if (np == 0 || nd == 0) {
            return;
        }
        assignment.reset(np, nd);
        for (int a = 0; a < np; a++) {
            for (int b = 0; b < nd; b++) {
                float iou = iou(pool[a], d, dets[b]);
                assignment.set(a, b, iou >= gate ? 1f - iou : 1f);
            }
        }
        assignment.solve(rowToCol, 1f);
        for (int a = 0; a < np; a++) {
            int b = rowToCol[a];
            if (b >= 0 && iou(pool[a], d, dets[b]) >= gate) {
                matched[pool[a]] = true;
                detTrack[dets[b]] = pool[a];
            }
        }
    }

    /** Track {@code t} took detection {@code i}: corrects its filter, counts the hit; returns its id. */
    private int matchedTo(int t, Detections d, int i) {
        correct(t, d, i);
        hits[t]++;
        missed[t] = 0;
        if (state[t] == TENTATIVE && hits[t] >= minHits) {
            id[t] = nextId++;
        }
        if (id[t] != 0) {
            state[t] = TRACKED;
        }
        return id[t];
    }

    /** Unmatched tentative tracks go; unmatched confirmed ones are lost, and end after the buffer. */
    private void endUnmatched(Tracks out) {
        for (int t = count - 1; t >= 0; t--) {
            if (matched[t]) {
                continue;
            }
            if (state[t] == TENTATIVE) {
                remove(t);
            } else if (++missed[t] > trackBuffer) {
                out.addEnded(id[t]);
                remove(t);
            } else {
                state[t] = LOST;
            }
        }
    }

    private int start(Detections d, int i) {
        int t = count++;
        cls[t] = d.classId[i];
        hits[t] = 1;
        missed[t] = 0;
        state[t] = TENTATIVE;
        id[t] = 0;
        float w = Math.max(1f, d.x2[i] - d.x1[i]);
        float h = Math.max(1f, d.y2[i] - d.y1[i]);
        for (int k = 0; k < 4; k++) {
            int s = 4 * t + k;
            float scale = k % 2 == 0 ? w : h;
            pos[s] = measurement(d, i, k);
            vel[s] = 0;
            p00[s] = sq(2 * STD_POSITION * scale);
            p01[s] = 0;
            p11[s] = sq(10 * STD_VELOCITY * scale);
        }
        if (minHits <= 1) {
            id[t] = nextId++;
            state[t] = TRACKED;
        }
        return id[t];
    }

    private void remove(int t) {
        int last = --count;
        if (t == last) {
            return;
        }
        id[t] = id[last];
        cls[t] = cls[last];
        state[t] = state[last];
        hits[t] = hits[last];
        missed[t] = missed[last];
        matched[t] = matched[last];
        System.arraycopy(pos, 4 * last, pos, 4 * t, 4);
        System.arraycopy(vel, 4 * last, vel, 4 * t, 4);
        System.arraycopy(p00, 4 * last, p00, 4 * t, 4);
        System.arraycopy(p01, 4 * last, p01, 4 * t, 4);
        System.arraycopy(p11, 4 * last, p11, 4 * t, 4);
    }

    /** Constant velocity: {@code x += v}, covariance grown by process noise scaled by the box. */
    private void predict(int t) {
        for (int k = 0; k < 4; k++) {
            int s = 4 * t + k;
            float scale = scale(t, k);
            pos[s] += vel[s];
            p00[s] += 2 * p01[s] + p11[s] + sq(STD_POSITION * scale);
            p01[s] += p11[s];
            p11[s] += sq(STD_VELOCITY * scale);
        }
        pos[4 * t + 2] = Math.max(1f, pos[4 * t + 2]);
        pos[4 * t + 3] = Math.max(1f, pos[4 * t + 3]);
    }

    /** The Kalman update with detection {@code i} as the measurement of the four positions. */
    private void correct(int t, Detections d, int i) {
        for (int k = 0; k < 4; k++) {
            int s = 4 * t + k;
            float r = sq(STD_POSITION * scale(t, k));
            float innovation = measurement(d, i, k) - pos[s];
            float sInv = 1f / (p00[s] + r);
            float k0 = p00[s] * sInv;
            float k1 = p01[s] * sInv;
            pos[s] += k0 * innovation;
            vel[s] += k1 * innovation;
            p11[s] -= k1 * p01[s];
            p01[s] *= 1 - k0;
            p00[s] *= 1 - k0;
        }
    }

    /** Overlap of track {@code t}'s predicted box with detection {@code i}; 0 across classes. */
    private float iou(int t, Detections d, int i) {
        if (cls[t] != d.classId[i]) {
            return 0f;
        }
        float cx = pos[4 * t];
        float cy = pos[4 * t + 1];
        float hw = pos[4 * t + 2] * 0.5f;
        float hh = pos[4 * t + 3] * 0.5f;
        float iw = Math.min(cx + hw, d.x2[i]) - Math.max(cx - hw, d.x1[i]);
        float ih = Math.min(cy + hh, d.y2[i]) - Math.max(cy - hh, d.y1[i]);
        if (iw <= 0 || ih <= 0) {
            return 0f;
        }
        float inter = iw * ih;
        return inter / (4 * hw * hh + (d.x2[i] - d.x1[i]) * (d.y2[i] - d.y1[i]) - inter);
    }

    private static float measurement(Detections d, int i, int k) {
        return switch (k) {
            case 0 -> (d.x1[i] + d.x2[i]) * 0.5f;
            case 1 -> (d.y1[i] + d.y2[i]) * 0.5f;
            case 2 -> Math.max(1f, d.x2[i] - d.x1[i]);
            default -> Math.max(1f, d.y2[i] - d.y1[i]);
        };
    }

    /** Noise scales with the box: width for x and width, height for y and height. */
    private float scale(int t, int k) {
        return k % 2 == 0 ? pos[4 * t + 2] : pos[4 * t + 3];
    }

    private static float sq(float v) {
        return v * v;
    }
}
