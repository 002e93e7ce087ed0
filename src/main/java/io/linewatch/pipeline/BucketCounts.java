package io.linewatch.pipeline;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts of values in fixed buckets, as a Prometheus histogram exposes them: a value lands in the
 * first bucket whose upper bound it does not exceed, or in the last (+Inf) one. Written by one
 * stage's thread (or the threads of a lane's engine instances) without allocating; read by the
 * metrics from any thread.
 */
public final class BucketCounts {

    private final long[] upperBounds;
    /** One count per bucket (not cumulative), the +Inf bucket last. */
    private final AtomicLongArray counts;
    private final AtomicLong sum = new AtomicLong();

    /** @param upperBounds inclusive upper bounds, increasing; +Inf is added */
    public BucketCounts(long... upperBounds) {
        for (int i = 1; i < upperBounds.length; i++) {
            if (upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must increase: " + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = new AtomicLongArray(upperBounds.length + 1);
    }

    /** Counts {@code times} observations of {@code value}. */
    public void record(long value, long times) {
        int i = Arrays.binarySearch(upperBounds, value);
        counts.addAndGet(i >= 0 ? i : -i - 1, times);
        sum.addAndGet(value * times);
    }

    /** The finite upper bounds, in the recorded unit. */
    public long[] upperBounds() {
        return upperBounds.clone();
    }

    /**
     * Observations at or below each bound, the +Inf bucket (every observation) last: one read of
     * the counts, so the buckets never decrease and the last one is the count.
     */
    public long[] cumulativeCounts() {
        long[] out = new long[counts.length()];
        long running = 0;
        for (int i = 0; i < out.length; i++) {
            running += counts.get(i);
            out[i] = running;
        }
        return out;
    }

    /** Sum of the observed values, in the recorded unit. */
    public long sum() {
        return sum.get();
    }
}
