package io.linewatch.pipeline;

/**
 * Each thermal camera's hottest calibrated pixel, one value a second over the last hour (the largest
 * of that second's frames), for the console's trend. Written by the thermal lanes' trend stage,
 * read by whoever shows it; any thread. A camera's arrays are allocated at its first value; nothing
 * is allocated per frame after that.
 */
public final class ThermalTrend {

    /** How many seconds are kept. */
    public static final int SECONDS = 3600;

    /** A camera's series, oldest first: wall-clock seconds and degrees Celsius. */
    public record Series(long[] epochSeconds, float[] celsius) {
    }

    private final long[][] seconds;
    private final float[][] celsius;
    private final int[] count;
    private final int[] next;

    public ThermalTrend(int cameras) {
        seconds = new long[cameras][];
        celsius = new float[cameras][];
        count = new int[cameras];
        next = new int[cameras];
    }

    /** Records camera {@code index}'s hottest pixel at {@code epochSecond}. */
    public synchronized void record(int index, long epochSecond, float valueCelsius) {
        if (seconds[index] == null) {
            seconds[index] = new long[SECONDS];
            celsius[index] = new float[SECONDS];
        }
        int last = (next[index] + SECONDS - 1) % SECONDS;
        if (count[index] > 0 && seconds[index][last] == epochSecond) {
            celsius[index][last] = Math.max(celsius[index][last], valueCelsius);
            return;
        }
        seconds[index][next[index]] = epochSecond;
        celsius[index][next[index]] = valueCelsius;
        next[index] = (next[index] + 1) % SECONDS;
        count[index] = Math.min(SECONDS, count[index] + 1);
    }

    /** Camera {@code index}'s series, or null when it has no value (not a thermal camera, or none yet). */
    public synchronized Series series(int index) {
        if (count[index] == 0) {
            return null;
        }
        long[] s = new long[count[index]];
        float[] c = new float[count[index]];
        int first = (next[index] + SECONDS - count[index]) % SECONDS;
        for (int i = 0; i < s.length; i++) {
            s[i] = seconds[index][(first + i) % SECONDS];
            c[i] = celsius[index][(first + i) % SECONDS];
        }
        return new Series(s, c);
    }
}
