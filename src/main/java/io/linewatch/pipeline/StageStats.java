package io.linewatch.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/** Time one stage of one lane spent in its handler, written by that stage's thread, read by anyone. */
public final class StageStats {

    public final String lane;
    public final String stage;
    /** Nanoseconds spent handling frames (for inference: running the batches they were in). */
    public final AtomicLong busyNanos = new AtomicLong();
    /** Frames handed to the stage, failed ones included. */
    public final AtomicLong frames = new AtomicLong();

    StageStats(String lane, String stage) {
        this.lane = lane;
        this.stage = stage;
    }
}
