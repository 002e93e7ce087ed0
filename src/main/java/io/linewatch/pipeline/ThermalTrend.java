package io.linewatch.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thermal readings over the last hour, one value a second (the largest of that second's frames), for
 * the console's trends: each thermal camera's hottest calibrated pixel (written by the thermal lanes'
 * trend stage), and each temperature rule's own measure of its zone or frame, the value it compares
 * with its raise and clear levels (a {@link Line}, written by the rule on its alarm stage's thread).
 * Read by whoever shows it; any thread. A series' arrays are allocated when it is made (a camera's at
 * its first value, a rule's line when the rule is built); nothing is allocated per frame after that.
 * At most {@link #MAX_LINES} rule lines: a rule beyond them gets none and is not drawn.
 */
public final class ThermalTrend {

    /** How many seconds are kept. */
    public static final int SECONDS = 3600;
    /** The most rule lines kept (each 3600 values). */
    public static final int MAX_LINES = 64;

    /** A series, oldest first: wall-clock seconds and degrees Celsius. */
    public record Series(long[] epochSeconds, float[] celsius) {
    }

    /** A rule's line: the camera it watches, the rule's name and its series so far. */
    public record Named(int cameraIndex, String rule, Series series) {
    }

    private final Ring[] cameras;
    private final Map<String, Line> lines = new LinkedHashMap<>();

    public ThermalTrend(int cameras) {
        this.cameras = new Ring[cameras];
    }

    /** Records camera {@code index}'s hottest pixel at {@code epochSecond}. */
    public synchronized void record(int index, long epochSecond, float valueCelsius) {
        if (cameras[index] == null) {
            cameras[index] = new Ring();
        }
        cameras[index].record(epochSecond, valueCelsius);
    }

    /** Camera {@code index}'s series, or null when it has no value (not a thermal camera, or none yet). */
    public synchronized Series series(int index) {
        return cameras[index] == null ? null : cameras[index].series();
    }

    /**
     * The line of rule {@code rule} on camera {@code cameraIndex}: the same line for the same pair (a
     * reload's rebuilt rule goes on with its series), or null when {@link #MAX_LINES} are taken.
     */
    public synchronized Line line(int cameraIndex, String rule) {
        String key = cameraIndex + "/" + rule;
        Line line = lines.get(key);
        if (line == null && lines.size() < MAX_LINES) {
            line = new Line(cameraIndex, rule);
            lines.put(key, line);
        }
        return line;
    }

    /** Every rule line that has a value, in the order they were made. */
    public synchronized List<Named> lines() {
        List<Named> named = new ArrayList<>();
        for (Line line : lines.values()) {
            if (line.ring.count > 0) {
                named.add(new Named(line.cameraIndex, line.rule, line.ring.series()));
            }
        }
        return named;
    }

    /** One rule's series on one camera; {@link #record} allocates nothing. */
    public final class Line {
        private final int cameraIndex;
        private final String rule;
        private final Ring ring = new Ring();

        private Line(int cameraIndex, String rule) {
            this.cameraIndex = cameraIndex;
            this.rule = rule;
        }

        /** Records the rule's reading at {@code epochSecond}. */
        public void record(long epochSecond, float valueCelsius) {
            synchronized (ThermalTrend.this) {
                ring.record(epochSecond, valueCelsius);
            }
        }
    }

    /** A second-by-second ring of one hour; guarded by the trend's lock. */
    private static final class Ring {
        private final long[] seconds = new long[SECONDS];
        private final float[] celsius = new float[SECONDS];
        private int count;
        private int next;

        void record(long epochSecond, float valueCelsius) {
            int last = (next + SECONDS - 1) % SECONDS;
            if (count > 0 && seconds[last] == epochSecond) {
                celsius[last] = Math.max(celsius[last], valueCelsius);
                return;
            }
            seconds[next] = epochSecond;
            celsius[next] = valueCelsius;
            next = (next + 1) % SECONDS;
            count = Math.min(SECONDS, count + 1);
        }

        Series series() {
            long[] s = new long[count];
            float[] c = new float[count];
            int first = (next + SECONDS - count) % SECONDS;
            for (int i = 0; i < s.length; i++) {
                s[i] = seconds[(first + i) % SECONDS];
                c[i] = celsius[(first + i) % SECONDS];
            }
            return new Series(s, c);
        }
    }
}
