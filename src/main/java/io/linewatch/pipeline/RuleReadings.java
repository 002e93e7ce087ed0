package io.linewatch.pipeline;

import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest value each alarm rule measured, per camera: what decides the rule (a thermal zone's
 * max, avg and min in degrees Celsius, a defect count, an object count), as of the last inferred
 * frame. The alarm stage writes a rule's {@link Reading} after feeding it each frame, without
 * blocking or allocating; the servers that show a running daemon (OPC UA, Sparkplug) read every
 * reading at their own sampling rate, on their own threads. Readings are made when a lane is built
 * or given new rules (the assembly's or the alarm stage's thread), never per frame; one whose rule a
 * reload took away stays, unread.
 */
public final class RuleReadings {

    /** What a rule measures, and the names of its values. */
    public enum Kind {
        /** A thermal rule: its measure, max, avg and min, degrees Celsius (NaN while unknown). */
        TEMPERATURE("ValueC", "MaxC", "AvgC", "MinC"),
        /** A defect rule: the defects of the frame that count for it. */
        DEFECTS("DefectCount"),
        /** A detection rule: the objects of the frame (or followed in view) that count for it. */
        OBJECTS("ObjectCount");

        private final List<String> names;

        Kind(String... names) {
            this.names = List.of(names);
        }

        /** The names of the values, in the order of {@link Reading#read}. */
        public List<String> names() {
            return names;
        }
    }

    /**
     * One rule's latest values on one camera: one writer (the alarm stage's thread), any number of
     * readers. A sequence lock: the writer makes the version odd, writes, makes it even again; a
     * reader retries while the version was odd or moved, so it never sees half a frame's values.
     */
    public static final class Reading {
        private final String camera;
        private final String rule;
        private final Kind kind;
        private final double[] values;
        private volatile long version;
        private long frames;

        Reading(String camera, String rule, Kind kind) {
            this.camera = camera;
            this.rule = rule;
            this.kind = kind;
            this.values = new double[kind.names().size()];
            java.util.Arrays.fill(values, Double.NaN);
        }

        public String camera() {
            return camera;
        }

        public String rule() {
            return rule;
        }

        public Kind kind() {
            return kind;
        }

        /** Writes one frame's values (as many as the kind names; the rest are ignored). Writer's thread only. */
        public void write(double a, double b, double c, double d) {
            long v = version;
            version = v + 1;
            VarHandle.storeStoreFence();
            values[0] = a;
            if (values.length > 1) {
                values[1] = b;
                values[2] = c;
                values[3] = d;
            }
            frames++;
            version = v + 2;
        }

        /** Writes a count (a kind with one value). Writer's thread only. */
        public void write(long count) {
            write(count, Double.NaN, Double.NaN, Double.NaN);
        }

        /**
         * Copies the latest values into {@code out} (as long as {@link Kind#names}); returns how many
         * frames were written so far (0: none yet, the values are NaN). Any thread.
         */
        public long read(double[] out) {
            while (true) {
                long before = version;
                if ((before & 1) == 0) {
                    System.arraycopy(values, 0, out, 0, values.length);
                    long n = frames;
                    VarHandle.loadLoadFence();
                    if (version == before) {
                        return n;
                    }
                }
                Thread.onSpinWait();
            }
        }
    }

    private final ConcurrentHashMap<String, Reading> readings = new ConcurrentHashMap<>();

    /** The reading of {@code rule} on {@code camera}, made at the first call; a rule keeps its kind. */
    public Reading of(String camera, String rule, Kind kind) {
        return readings.computeIfAbsent(camera + "/" + rule, k -> new Reading(camera, rule, kind));
    }

    /** The reading of {@code rule} on {@code camera}, or null when no rule made one. */
    public Reading get(String camera, String rule) {
        return readings.get(camera + "/" + rule);
    }

    /** Every reading, in no particular order. */
    public List<Reading> all() {
        return List.copyOf(readings.values());
    }
}
