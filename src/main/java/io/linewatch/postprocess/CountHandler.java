package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.CounterConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.CountListener;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.Tracks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The count stage of a detection lane with counting lines, beside the alarm stage: a track counts
 * once on a line when its box centre, from one frame it was seen to the next, crosses the line
 * segment in the line's direction. Counts go to the camera's stats (metrics) and, at each count, to
 * the {@link CountListener}. Reads the slot's camera, times, detections and track ids; writes none
 * of the slot. Per-track positions live in tables sized for the tracker's most tracks; a frame
 * without a crossing allocates nothing.
 */
public final class CountHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "count";
    private static final long MINUTE_MICROS = 60_000_000L;
    private static final int RECENT = 4096;

    private final Camera[] cameras;
    private final List<String> classNames;
    private final CountListener listener;

    /** One camera's lines and the last centre of each of its tracks. */
    private static final class Camera {
        final String id;
        final Line[] lines;
        final CameraStats stats;
        int count;
        final int[] track;
        final float[] lastX;
        final float[] lastY;
        final long[] counted;

        Camera(String id, Line[] lines, CameraStats stats, int maxTracks) {
            this.id = id;
            this.lines = lines;
            this.stats = stats;
            track = new int[maxTracks];
            lastX = new float[maxTracks];
            lastY = new float[maxTracks];
            counted = new long[maxTracks];
        }
    }

    /** A counting line: geometry, classes, direction, counts and its recent crossings. */
    private static final class Line {
        final String name;
        final float ax;
        final float ay;
        final float bx;
        final float by;
        final boolean[] counts;
        final CounterConfig.Direction direction;
        final AtomicLong[] total;
        final long[] recentMicros = new long[RECENT];
        final int[] recentClass = new int[RECENT];
        int recentNext;
        int recentFilled;

        Line(CounterConfig c, List<String> classNames, CameraStats stats) {
            name = c.name();
            ax = c.line().get(0).get(0).floatValue();
            ay = c.line().get(0).get(1).floatValue();
            bx = c.line().get(1).get(0).floatValue();
            by = c.line().get(1).get(1).floatValue();
            direction = c.direction();
            counts = new boolean[classNames.size()];
            total = new AtomicLong[classNames.size()];
            for (int k = 0; k < counts.length; k++) {
                counts[k] = c.classes().isEmpty() || c.classes().contains(classNames.get(k));
                total[k] = !counts[k] ? null : stats.lineCrossings.computeIfAbsent(
                        new CameraStats.LineClass(name, classNames.get(k)), key -> new AtomicLong());
            }
        }

        /** Which side of the line (walking from its first point to its second) a point is: < 0 left, > 0 right. */
        float side(float x, float y) {
            return (bx - ax) * (y - ay) - (by - ay) * (x - ax);
        }

        /** True when the move from (x0, y0) to (x1, y1) crosses the segment in this line's direction. */
        boolean crossed(float x0, float y0, float x1, float y1) {
            float s0 = side(x0, y0);
            float s1 = side(x1, y1);
            boolean across = (s0 < 0 && s1 >= 0) || (s0 > 0 && s1 <= 0);
            if (!across || (direction == CounterConfig.Direction.LEFT && s1 >= 0)
                    || (direction == CounterConfig.Direction.RIGHT && s1 <= 0)) {
                return false;
            }
            float m0 = (x1 - x0) * (ay - y0) - (y1 - y0) * (ax - x0); // the line's ends on either side of the move
            float m1 = (x1 - x0) * (by - y0) - (y1 - y0) * (bx - x0);
            return (m0 <= 0 && m1 >= 0) || (m0 >= 0 && m1 <= 0);
        }
    }

    /**
     * @param cameraConfigs every camera of the config; {@code cameras} are this lane's
     * @param maxTracks     the most tracks the lane's tracker keeps per camera
     */
    public CountHandler(List<CameraConfig> cameraConfigs, List<Integer> cameras, List<String> classNames,
                        List<CameraStats> stats, int maxTracks, CountListener listener) {
        this.classNames = classNames;
        this.listener = listener;
        this.cameras = new Camera[cameraConfigs.size()];
        for (int i : cameras) {
            List<CounterConfig> counters = cameraConfigs.get(i).counters();
            if (counters.size() > 64) {
                throw new IllegalArgumentException("camera " + cameraConfigs.get(i).id() + ": at most 64 counters");
            }
            Line[] lines = counters.stream().map(c -> new Line(c, classNames, stats.get(i))).toArray(Line[]::new);
            this.cameras[i] = new Camera(cameraConfigs.get(i).id(), lines, stats.get(i), maxTracks);
        }
    }

    /** True when any of {@code cameras} has a counting line. */
    public static boolean needed(List<CameraConfig> cameraConfigs, List<Integer> cameras) {
        return cameras.stream().anyMatch(i -> !cameraConfigs.get(i).counters().isEmpty());
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        Camera c = cameras[e.cameraIndex];
        if (e.skipped() || c == null || c.lines.length == 0) {
            return;
        }
        Detections d = e.detections;
        Tracks t = e.tracks;
        for (int i = 0; i < d.count(); i++) {
            int id = i < t.id.length ? t.id[i] : 0;
            if (id > 0) {
                move(c, id, d.classId[i], (d.x1[i] + d.x2[i]) * 0.5f, (d.y1[i] + d.y2[i]) * 0.5f, e);
            }
        }
        for (int k = 0; k < t.endedCount(); k++) {
            int o = find(c, t.ended(k));
            if (o >= 0) {
                int last = --c.count;
                c.track[o] = c.track[last];
                c.lastX[o] = c.lastX[last];
                c.lastY[o] = c.lastY[last];
                c.counted[o] = c.counted[last];
            }
        }
    }

    private void move(Camera c, int id, int cls, float x, float y, FrameEvent e) {
        int o = find(c, id);
        if (o < 0) {
            if (c.count < c.track.length) {
                o = c.count++;
                c.track[o] = id;
                c.lastX[o] = x;
                c.lastY[o] = y;
                c.counted[o] = 0;
            }
            return;
        }
        for (int k = 0; k < c.lines.length; k++) {
            Line line = c.lines[k];
            if ((c.counted[o] & (1L << k)) == 0 && line.counts[cls] && line.crossed(c.lastX[o], c.lastY[o], x, y)) {
                c.counted[o] |= 1L << k;
                line.total[cls].incrementAndGet();
                line.recentMicros[line.recentNext] = e.mediaMicros;
                line.recentClass[line.recentNext] = cls;
                line.recentNext = (line.recentNext + 1) % RECENT;
                line.recentFilled = Math.min(RECENT, line.recentFilled + 1);
                listener.onCount(c.id, line.name, e.captureEpochMillis, counts(line), perMinute(line, e.mediaMicros));
            }
        }
        c.lastX[o] = x;
        c.lastY[o] = y;
    }

    private Map<String, Long> counts(Line line) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int k = 0; k < classNames.size(); k++) {
            if (line.counts[k]) {
                m.put(classNames.get(k), line.total[k].get());
            }
        }
        return m;
    }

    private Map<String, Double> perMinute(Line line, long nowMicros) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < classNames.size(); k++) {
            if (line.counts[k]) {
                m.put(classNames.get(k), 0.0);
            }
        }
        for (int r = 0; r < line.recentFilled; r++) {
            long at = line.recentMicros[r];
            if (nowMicros - at < MINUTE_MICROS) {
                m.merge(classNames.get(line.recentClass[r]), 1.0, Double::sum);
            }
        }
        return m;
    }

    private static int find(Camera c, int id) {
        for (int o = 0; o < c.count; o++) {
            if (c.track[o] == id) {
                return o;
            }
        }
        return -1;
    }
}
