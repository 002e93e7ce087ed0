package io.linewatch.pipeline;

import java.util.List;

/**
 * Decides which decoded frames a camera infers, before preprocess spends anything on them: every
 * frame is decoded (clips keep them all), but a camera with an inference rate ({@code infer_fps})
 * infers only the first frame at or after each tick of that rate, on the frame's media clock
 * ({@code rate} skips); and a camera with a motion gate also skips a tick's frame that barely
 * differs from the camera's last inferred frame ({@code still} skips), unless its last inference is
 * {@code max_skip} old. So no frame waits for inference longer than one interval of the rate (or of
 * {@code max_skip} under the gate) behind the frame where something changed.
 *
 * <p>The difference: the frame is shrunk to a {@value #GRID_W}x{@value #GRID_H} grid of cell means
 * (grey: {@code (B + 2G + R) / 4} of BGR pixels, or the samples of a 16-bit frame), compared cell by
 * cell with the last inferred frame's grid; the mean absolute difference is taken over each of
 * {@value #TILES_X}x{@value #TILES_Y} tiles of the grid, and the largest tile's is the frame's, so a
 * small object moving on a still belt counts as much on its tile as a change of the whole picture.
 * Thresholds are in the frame's own sample units (grey levels 0-255; raw counts of 16-bit frames).
 *
 * <p>A skipped frame is marked like a dropped one (later stages leave it alone: the tracker and
 * the rules see inferred frames only) and counted in its camera's {@link CameraStats#skippedRate}
 * or {@link CameraStats#skippedStill}. Runs on a preprocess thread of a lane, which sees every frame
 * of each camera whose rule {@link Rule#keepsState keeps state}, in order (a lane with several
 * preprocess threads gives each its own gate and deals such a camera whole to one of them); writes
 * only the frame's drop mark, its camera's counters and its own state (sized once: nothing is
 * allocated per frame).
 */
public final class InferenceGate {

    static final int GRID_W = 64;
    static final int GRID_H = 36;
    static final int TILES_X = 8;
    static final int TILES_Y = 6;
    private static final int SAMPLES = 4;

    /** How one camera's frames are gated. */
    public record Rule(long intervalMicros, double stillThreshold, long maxSkipMicros) {

        /** Every frame inferred. */
        public static final Rule EVERY_FRAME = new Rule(0, Double.NaN, 0);

        /** The rule a camera's {@code infer_fps} and {@code motion_gate} keys give. */
        public static Rule of(io.linewatch.config.CameraConfig camera) {
            long interval = camera.inferFps() == null ? 0 : Math.round(1e6 / camera.inferFps());
            io.linewatch.config.MotionGateConfig gate = camera.motionGate();
            return gate == null ? new Rule(interval, Double.NaN, 0)
                    : new Rule(interval, gate.threshold(), gate.maxSkipMs() * 1000L);
        }

        /** True when the motion gate is on. */
        public boolean motionGate() {
            return !Double.isNaN(stillThreshold);
        }

        /** True when a frame's decision depends on the camera's earlier frames (a rate or the motion gate). */
        public boolean keepsState() {
            return intervalMicros > 0 || motionGate();
        }
    }

    private final Rule[] rules;
    private final List<CameraStats> stats;
    private final long[] nextDueMicros;
    private final long[] lastInferredMicros;
    private final boolean[] hasReference;
    private final float[][] reference;
    private float[] grid = new float[GRID_W * GRID_H];

    /** @param rules each camera's rule, by camera index */
    public InferenceGate(Rule[] rules, List<CameraStats> stats) {
        this.rules = rules.clone();
        this.stats = stats;
        this.nextDueMicros = new long[rules.length];
        this.lastInferredMicros = new long[rules.length];
        this.hasReference = new boolean[rules.length];
        this.reference = new float[rules.length][];
        for (int c = 0; c < rules.length; c++) {
            nextDueMicros[c] = Long.MIN_VALUE;
            reference[c] = rules[c].motionGate() ? new float[GRID_W * GRID_H] : null;
        }
    }

    /** A gate that infers every frame of every camera. */
    public static InferenceGate everyFrame(List<CameraStats> stats) {
        Rule[] rules = new Rule[stats.size()];
        java.util.Arrays.fill(rules, Rule.EVERY_FRAME);
        return new InferenceGate(rules, stats);
    }

    /**
     * True when preprocess must leave the frame alone: an earlier stage skipped it, or it is skipped
     * now (marked and counted by reason).
     */
    public boolean skip(FrameEvent event) {
        if (event.skipped()) {
            return true;
        }
        int c = event.cameraIndex;
        Rule rule = rules[c];
        long t = event.mediaMicros;
        if (rule.intervalMicros() > 0 && t < nextDueMicros[c]) {
            return mark(event, stats.get(c).skippedRate);
        }
        nextDueMicros[c] = nextDueMicros[c] > Long.MIN_VALUE && nextDueMicros[c] + rule.intervalMicros() > t
                ? nextDueMicros[c] + rule.intervalMicros() : t + rule.intervalMicros();
        if (rule.motionGate()) {
            gridOf(event);
            boolean forced = !hasReference[c] || t - lastInferredMicros[c] >= rule.maxSkipMicros();
            if (!forced && largestTileDifference(grid, reference[c]) < rule.stillThreshold()) {
                return mark(event, stats.get(c).skippedStill);
            }
            float[] old = reference[c];
            reference[c] = grid;
            grid = old;
            hasReference[c] = true;
        }
        lastInferredMicros[c] = t;
        return false;
    }

    private static boolean mark(FrameEvent event, java.util.concurrent.atomic.AtomicLong counter) {
        event.dropped = true;
        counter.incrementAndGet();
        return true;
    }

    /** Shrinks the frame into {@link #grid} (BGR's grey, I420's luma plane, GRAY16's counts). */
    private void gridOf(FrameEvent e) {
        FrameEvent.PixelFormat format = e.pixelFormat;
        int w = e.width;
        int h = e.height;
        byte[] p = e.pixels;
        for (int gy = 0; gy < GRID_H; gy++) {
            int y0 = gy * h / GRID_H;
            int cellH = Math.max(1, (gy + 1) * h / GRID_H - y0);
            for (int gx = 0; gx < GRID_W; gx++) {
                int x0 = gx * w / GRID_W;
                int cellW = Math.max(1, (gx + 1) * w / GRID_W - x0);
                int sum = 0;
                for (int sy = 0; sy < SAMPLES; sy++) {
                    int y = Math.min(h - 1, y0 + (2 * sy + 1) * cellH / (2 * SAMPLES));
                    for (int sx = 0; sx < SAMPLES; sx++) {
                        int x = Math.min(w - 1, x0 + (2 * sx + 1) * cellW / (2 * SAMPLES));
                        sum += switch (format) {
                            case BGR24 -> grey(p, (y * w + x) * 3);
                            case I420 -> p[y * w + x] & 0xff;
                            case GRAY16 -> sample16(p, (y * w + x) * 2);
                        };
                    }
                }
                grid[gy * GRID_W + gx] = sum / (float) (SAMPLES * SAMPLES);
            }
        }
    }

    private static int grey(byte[] p, int i) {
        return ((p[i] & 0xff) + 2 * (p[i + 1] & 0xff) + (p[i + 2] & 0xff)) >> 2;
    }

    private static int sample16(byte[] p, int i) {
        return (p[i] & 0xff) | (p[i + 1] & 0xff) << 8;
    }

    /** The largest, over the tiles, of a tile's mean absolute difference between two grids. */
    static float largestTileDifference(float[] a, float[] b) {
        int tileW = GRID_W / TILES_X;
        int tileH = GRID_H / TILES_Y;
        float largest = 0;
        for (int ty = 0; ty < TILES_Y; ty++) {
            for (int tx = 0; tx < TILES_X; tx++) {
                float sum = 0;
                for (int y = ty * tileH; y < (ty + 1) * tileH; y++) {
                    for (int x = tx * tileW; x < (tx + 1) * tileW; x++) {
                        sum += Math.abs(a[y * GRID_W + x] - b[y * GRID_W + x]);
                    }
                }
                largest = Math.max(largest, sum / (tileW * tileH));
            }
        }
        return largest;
    }
}
