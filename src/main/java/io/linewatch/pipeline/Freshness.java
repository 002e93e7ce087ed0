package io.linewatch.pipeline;

import com.lmax.disruptor.Cursored;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The gate that preprocess and inference, the first stages of a lane, put each frame through, so
 * that a live camera's frames are fresh when inferred and overload costs the oldest frames first.
 * A live camera's frame is dropped when it is older than the camera's {@code max_frame_age_ms}
 * ({@code too old}), or when more than {@code maxBacklog} newer frames were captured after it
 * ({@code backlog}: capture then still finds room in the ring for the newest). A camera read as
 * fast as the pipeline takes it (an unpaced replay) is not live: its frames are never dropped here.
 * Inference asks again, with {@link #tooOldAt}, at the moment its engine starts on a batch.
 * Immutable but for the {@link InferenceGate} it carries for the first stage; runs on the calling
 * stage's thread and writes only the frame's drop mark and its camera's counters.
 */
public final class Freshness {

    /** No budget: frames are never too old. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final long[] maxAgeNanosByCamera;
    private final List<CameraStats> stats;
    private final Cursored capture;
    private final long maxBacklog;
    private final LongSupplier nanoClock;
    private final InferenceGate gate;

    /**
     * @param maxAgeNanosByCamera the budget of each camera by index; {@link #UNLIMITED} for one that is not live
     * @param capture             the lane's ring cursor: the last sequence capture claimed
     * @param maxBacklog          most newer frames a live frame may have behind it
     */
    public Freshness(long[] maxAgeNanosByCamera, List<CameraStats> stats, Cursored capture, long maxBacklog) {
        this(maxAgeNanosByCamera, stats, capture, maxBacklog, System::nanoTime);
    }

    /** As above, with the clock that frames' {@code captureNanos} are read against (tests pass their own). */
    public Freshness(long[] maxAgeNanosByCamera, List<CameraStats> stats, Cursored capture, long maxBacklog,
                     LongSupplier nanoClock) {
        this(maxAgeNanosByCamera, stats, capture, maxBacklog, nanoClock, InferenceGate.everyFrame(stats));
    }

    private Freshness(long[] maxAgeNanosByCamera, List<CameraStats> stats, Cursored capture, long maxBacklog,
                      LongSupplier nanoClock, InferenceGate gate) {
        this.maxAgeNanosByCamera = maxAgeNanosByCamera.clone();
        this.stats = stats;
        this.capture = capture;
        this.maxBacklog = maxBacklog;
        this.nanoClock = nanoClock;
        this.gate = gate;
    }

    /** This gate, with the lane's inference gate put before preprocess ({@link #skipBeforePreprocess}). */
    public Freshness withInferenceGate(InferenceGate inferenceGate) {
        return new Freshness(maxAgeNanosByCamera, stats, capture, maxBacklog, nanoClock, inferenceGate);
    }

    /** The gate's clock now, in the time base of {@code captureNanos}. */
    public long nowNanos() {
        return nanoClock.getAsLong();
    }

    /** A gate that drops nothing (no camera is live). */
    public static Freshness unlimited(List<CameraStats> stats) {
        long[] none = new long[stats.size()];
        Arrays.fill(none, UNLIMITED);
        return new Freshness(none, stats, () -> 0, UNLIMITED);
    }

    /**
     * True when the stage must leave the frame at {@code sequence} alone: an earlier stage skipped
     * it, or it is dropped now (marked and counted by reason).
     */
    public boolean skip(FrameEvent event, long sequence) {
        if (event.skipped()) {
            return true;
        }
        long maxAgeNanos = maxAgeNanosByCamera[event.cameraIndex];
        if (maxAgeNanos == UNLIMITED) {
            return false;
        }
        if (capture.getCursor() - sequence > maxBacklog) {
            drop(event, stats.get(event.cameraIndex).droppedBacklog);
            return true;
        }
        return tooOldAt(event, nowNanos());
    }

    /**
     * {@link #skip}, then the camera's {@link InferenceGate} (a frame it does not infer is marked
     * and counted as skipped). For the lane's first stage only, on a thread that sees every frame of
     * each camera whose gate keeps state, in order: the gate keeps each camera's last inferred frame.
     */
    public boolean skipBeforePreprocess(FrameEvent event, long sequence) {
        return skip(event, sequence) || gate.skip(event);
    }

    /**
     * True when the live frame is older than its camera's budget at {@code nowNanos}; it is then
     * dropped (marked and counted {@code too old}). Inference calls this as its engine starts.
     */
    public boolean tooOldAt(FrameEvent event, long nowNanos) {
        long maxAgeNanos = maxAgeNanosByCamera[event.cameraIndex];
        if (maxAgeNanos == UNLIMITED || nowNanos - event.captureNanos <= maxAgeNanos) {
            return false;
        }
        drop(event, stats.get(event.cameraIndex).droppedTooOld);
        return true;
    }

    private static void drop(FrameEvent event, java.util.concurrent.atomic.AtomicLong counter) {
        event.dropped = true;
        counter.incrementAndGet();
    }
}
