package io.linewatch.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of one camera, written by the stages, read by summaries and metrics from any thread. */
public final class CameraStats {

    public final String cameraId;
    /** Frames decoded by capture. */
    public final AtomicLong framesIn = new AtomicLong();
    /** Frames dropped because every ring slot was busy. */
    public final AtomicLong droppedRingFull = new AtomicLong();
    /** Frames dropped because they were larger than the ring's slots. */
    public final AtomicLong droppedTooLarge = new AtomicLong();
    /** Frames the source could not decode. */
    public final AtomicLong droppedDecodeError = new AtomicLong();
    /** Frames a stage failed on. */
    public final AtomicLong failed = new AtomicLong();
    /** Nanoseconds capture spent decoding frames (FFmpeg decode and conversion to BGR). */
    public final AtomicLong decodeNanos = new AtomicLong();
    /** Frames that went through inference. */
    public final AtomicLong inferred = new AtomicLong();
    /** Detections kept after NMS. */
    public final AtomicLong detections = new AtomicLong();
    public final AtomicLong alarmsRaised = new AtomicLong();
    public final AtomicLong alarmsCleared = new AtomicLong();
    /** Live cameras: times the frame-age watchdog or the end of a stream found the camera stalled. */
    public final AtomicLong stalls = new AtomicLong();
    /** Live cameras: connection attempts after the first (each follows a back-off). */
    public final AtomicLong reconnects = new AtomicLong();

    public CameraStats(String cameraId) {
        this.cameraId = cameraId;
    }

    /** All drops, whatever the reason. */
    public long dropped() {
        return droppedRingFull.get() + droppedTooLarge.get() + droppedDecodeError.get() + failed.get();
    }
}
