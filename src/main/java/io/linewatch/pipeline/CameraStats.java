package io.linewatch.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one camera, written by the stages, read by summaries and metrics from any thread.
 * Every frame read from the source is either inferred, skipped by the camera's inference gate, or
 * dropped for exactly one reason, so once the lanes are drained
 * {@code framesIn == inferred + skipped() + dropped()}.
 */
public final class CameraStats {

    public final String cameraId;
    /** Frames read from the source, whether they decoded or not. */
    public final AtomicLong framesIn = new AtomicLong();
    /** Frames capture dropped because every ring slot was busy. */
    public final AtomicLong droppedRingFull = new AtomicLong();
    /** Live frames inference shed, oldest first, while more than half the ring waited for it. */
    public final AtomicLong droppedBacklog = new AtomicLong();
    /** Frames dropped because they were larger than the ring's slots. */
    public final AtomicLong droppedTooLarge = new AtomicLong();
    /** Frames older than the camera's {@code max_frame_age_ms} when preprocess or inference came to them. */
    public final AtomicLong droppedTooOld = new AtomicLong();
    /** Frames the source could not decode. */
    public final AtomicLong droppedDecodeError = new AtomicLong();
    /** Frames decoded but not inferred by the camera's {@code infer_fps} (between two ticks of the rate). */
    public final AtomicLong skippedRate = new AtomicLong();
    /** Frames not inferred by the camera's motion gate: they barely differed from the last inferred one. */
    public final AtomicLong skippedStill = new AtomicLong();
    /** Frames preprocess or inference failed on. */
    public final AtomicLong failed = new AtomicLong();
    /** Frames inferred, then failed on by a later stage (their detections or alarms are lost; not a drop). */
    public final AtomicLong failedAfterInference = new AtomicLong();
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
    /** Parts judged ok and nok (inspection cameras with parts). */
    public final AtomicLong partsOk = new AtomicLong();
    public final AtomicLong partsNok = new AtomicLong();
    /** Tracks counted by each counting line of the camera, by line and class. */
    public final java.util.Map<LineClass, AtomicLong> lineCrossings = new java.util.concurrent.ConcurrentHashMap<>();

    /** A counting line and a class. */
    public record LineClass(String counter, String className) {
    }

    /**
     * What {@link #detections} counts for this camera's task, as the summary names it ("detections",
     * "defect regions"), or null when the task counts nothing there (thermal).
     */
    public final String detectionsLabel;

    public CameraStats(String cameraId) {
        this(cameraId, "detections");
    }

    public CameraStats(String cameraId, String detectionsLabel) {
        this.cameraId = cameraId;
        this.detectionsLabel = detectionsLabel;
    }

    /** Frames the camera's inference gate chose not to infer (not a loss: see {@link #dropped()}). */
    public long skipped() {
        return skippedRate.get() + skippedStill.get();
    }

    /** Frames that never reached inference for want of time or room, or failed, whatever the reason. */
    public long dropped() {
        return droppedRingFull.get() + droppedBacklog.get() + droppedTooLarge.get() + droppedTooOld.get() + droppedDecodeError.get()
                + failed.get();
    }
}
