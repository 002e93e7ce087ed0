package io.linewatch.postprocess;

/**
 * The rate of rise of one temperature over a sliding window of media time: the least-squares slope
 * of the samples within the window, in kelvin per minute. Known once samples cover the whole window
 * (one has been older than the window) and at least two lie in it. The sample store doubles when a
 * window holds more samples than it has room for, and otherwise allocates nothing. Not
 * thread-safe.
 */
final class RateOfRise {

    private static final double MICROS_PER_MINUTE = 60e6;

    private final long windowMicros;
    private long[] times = new long[64];
    private double[] values = new double[64];
    private int first;
    private int size;
    private boolean covered;

    RateOfRise(long windowMicros) {
        this.windowMicros = windowMicros;
    }

    /** Adds the sample taken at {@code micros} (not before the last); forgets samples older than the window. */
    void add(long micros, double value) {
        while (size > 0 && times[first] < micros - windowMicros) {
            first = (first + 1) % times.length;
            size--;
            covered = true;
        }
        if (size == times.length) {
            grow();
        }
        int at = (first + size) % times.length;
        times[at] = micros;
        values[at] = value;
        size++;
    }

    /** The least-squares slope of the window's samples, K/min; NaN while not known. */
    double kelvinPerMinute() {
        if (!covered || size < 2) {
            return Double.NaN;
        }
        long t0 = times[(first + size - 1) % times.length];
        double meanT = 0;
        double meanV = 0;
        for (int k = 0; k < size; k++) {
            int i = (first + k) % times.length;
            meanT += (times[i] - t0) / MICROS_PER_MINUTE;
            meanV += values[i];
        }
        meanT /= size;
        meanV /= size;
        double stv = 0;
        double stt = 0;
        for (int k = 0; k < size; k++) {
            int i = (first + k) % times.length;
            double dt = (times[i] - t0) / MICROS_PER_MINUTE - meanT;
            stv += dt * (values[i] - meanV);
            stt += dt * dt;
        }
        return stt == 0 ? Double.NaN : stv / stt;
    }

    private void grow() {
        long[] t = new long[times.length * 2];
        double[] v = new double[values.length * 2];
        for (int k = 0; k < size; k++) {
            int i = (first + k) % times.length;
            t[k] = times[i];
            v[k] = values[i];
        }
        times = t;
        values = v;
        first = 0;
    }
}
