package io.linewatch.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Time one stage of one lane spent in its handler, written by that stage's thread (by each of its
 * threads, for a lane's engine instances), read by anyone.
 */
public final class StageStats {

    /** Bounds of {@link #latencyNanos}: 0.1 ms to 2.5 s. */
    private static final long[] LATENCY_BOUNDS_NANOS = {100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
        10_000_000, 25_000_000, 50_000_000, 100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000L};
    /** Bounds of {@link #batchFrames}. */
    private static final long[] BATCH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256};

    public final String lane;
    public final String stage;
    /** Nanoseconds spent handling frames (for inference: running the batches they were in). */
    public final AtomicLong busyNanos = new AtomicLong();
    /** Frames handed to the stage, failed ones included. */
    public final AtomicLong frames = new AtomicLong();
    /**
     * The stage's time for each frame, nanoseconds, one observation per frame: the handler's call on
     * that frame, or, for a stage that works in batches (inference), the whole batch it went in.
     */
    public final BucketCounts latencyNanos = new BucketCounts(LATENCY_BOUNDS_NANOS);
    /** Frames the stage took from the ring at once, one observation per batch. */
    public final BucketCounts batchFrames = new BucketCounts(BATCH_BOUNDS);

    public StageStats(String lane, String stage) {
        this.lane = lane;
        this.stage = stage;
    }
}
