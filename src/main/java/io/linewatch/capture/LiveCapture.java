package io.linewatch.capture;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.config.CameraConfig;
import io.linewatch.pipeline.Backoff;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.SourceState;
import io.linewatch.pipeline.SourceStateListener;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.javacv.Frame;

/**
 * The capture stage of one live camera, on its own thread: connects, copies each frame into a ring
 * slot as it comes (paced by the camera; a frame that finds every slot busy is dropped and
 * counted), and when frames stop, closes the source, backs off and connects again, until stopped:
 *
 * <pre>
 *   CONNECTING --first frame--> STREAMING --no frame within stall_timeout_ms--> STALLED
 *       ^  \                                                                        |
 *       |   +--cannot connect, or no first frame within stall_timeout_ms--+         |
 *       |                                                                 v         v
 *       +---------------------- back-off elapsed ---------------------- BACKING_OFF
 * </pre>
 *
 * The frame-age check runs on the {@link SourceWatchdog}'s thread, so a stall is declared on time
 * even while FFmpeg blocks inside a read; it then aborts that read. Writes only the capture fields
 * of its slots, the camera's counters and its state.
 */
public final class LiveCapture implements Runnable {

    private final CameraConfig camera;
    private final LiveFrameSource source;
    private final SlotWriter writer;
    private final CameraStats stats;
    private final SourceStateMachine state;
    private final Backoff backoff;
    private final long stallNanos;
    private final long startNanos = System.nanoTime();
    private volatile boolean running = true;
    private volatile Thread thread;
    // Guarded by this: what the watchdog and the capture thread share about the current connection.
    private boolean watching;
    private long lastFrameNanos;
    private String abortReason;

    public LiveCapture(int cameraIndex, CameraConfig camera, LiveFrameSource source,
                       RingBuffer<FrameEvent> ring, CameraStats stats,
                       SourceStateListener listener) {
        this.camera = camera;
        this.source = source;
        this.writer = new SlotWriter(cameraIndex, camera.id(), ring, stats, false, "set the camera's width and height",
                source.pixelFormat());
        this.stats = stats;
        this.state = new SourceStateMachine(camera.id(), listener);
        this.backoff = new Backoff(camera.reconnectMinMs(), camera.reconnectMaxMs(), ThreadLocalRandom.current());
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(camera.stallTimeoutMs());
        source.mediaClock(this::mediaMicros);
        source.stateNotes(state::note);
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        long frameNumber = 0;
        String reason = "";
        try {
            while (running) {
                if (!state.moveTo(SourceState.CONNECTING, reason.isEmpty() ? "" : "attempt " + (backoff.attempts() + 1))) {
                    break;
                }
                Connection c = connectAndStream(frameNumber);
                frameNumber = c.nextFrameNumber;
                reason = c.reason;
                if (!running) {
                    break;
                }
                long delayMillis = backoff.nextDelayMillis();
                state.moveTo(SourceState.BACKING_OFF, reason + "; next attempt in " + delayMillis + " ms");
                sleepUnlessStopped(delayMillis);
                stats.reconnects.incrementAndGet();
            }
        } finally {
            source.dispose();
            state.moveTo(SourceState.STOPPED, "stopped");
        }
    }

    /** How a connection ended, and where frame numbering goes on. */
    private record Connection(String reason, long nextFrameNumber) {
    }

    private Connection connectAndStream(long frameNumber) {
        beginConnection();
        try {
            source.open();
        } catch (CaptureException e) {
            endConnection();
            return new Connection(shortReason(e), frameNumber);
        }
        startWatching();
        String reason = null;
        while (running && reason == null) {
            Frame frame;
            try {
                frame = source.next();
            } catch (CaptureException e) {
                stats.droppedDecodeError.incrementAndGet();
                reason = shortReason(e);
                break;
            }
            reason = frameArrived(frame != null);
            if (reason == null) {
                if (state.moveIf(SourceState.CONNECTING, SourceState.STREAMING,
                        frame.imageWidth + "x" + frame.imageHeight)) {
                    backoff.reset();
                }
                stats.framesIn.incrementAndGet();
                writer.publish(frame, frameNumber++, source.mediaMicros(frame));
            }
        }
        if (reason == null) {
            reason = "stopping";
        }
        if (running && state.moveIf(SourceState.STREAMING, SourceState.STALLED, reason)) {
            stats.stalls.incrementAndGet();
        }
        source.close();
        endConnection();
        return new Connection(reason, frameNumber);
    }

    /**
     * Live media time: microseconds since the capture started, gaps included (a frame whose packets
     * are kept has its own timestamp moved onto this clock as its connection opened).
     */
    private long mediaMicros() {
        return (System.nanoTime() - startNanos) / 1000;
    }

    private synchronized void beginConnection() {
        abortReason = null;
    }

    private synchronized void startWatching() {
        lastFrameNanos = System.nanoTime();
        watching = true;
    }

    /** Null to keep the frame; else why this connection ends (aborted by the watchdog, or no frame). */
    private synchronized String frameArrived(boolean gotFrame) {
        if (abortReason != null) {
            return abortReason;
        }
        if (!gotFrame) {
            return "the stream ended";
        }
        lastFrameNanos = System.nanoTime();
        return null;
    }

    private void endConnection() {
        synchronized (this) {
            watching = false;
        }
        Thread.interrupted(); // an abort that raced the end of the connection must not cut the back-off
    }

    /**
     * The watchdog's check: when the current connection has had no frame (or no first frame) for the
     * stall timeout, declares the stall and aborts the read the capture thread may be blocked in.
     */
    synchronized void checkFrameAge(long nowNanos) {
        if (!watching || abortReason != null || nowNanos - lastFrameNanos < stallNanos) {
            return;
        }
        boolean streaming = state.state() == SourceState.STREAMING;
        abortReason = (streaming ? "no frame for " : "no first frame within ") + camera.stallTimeoutMs() + " ms";
        if (state.moveIf(SourceState.STREAMING, SourceState.STALLED, abortReason)) {
            stats.stalls.incrementAndGet();
        }
        abortRead();
    }

    /** Stops after the frame in hand or the wait in progress; the thread then closes the source. */
    public void stop() {
        running = false;
        writer.stop();
        abortRead();
    }

    /** The camera's current state. */
    public SourceState state() {
        return state.state();
    }

    private void abortRead() {
        source.abort();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    private void sleepUnlessStopped(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while (running && (left = deadline - System.nanoTime()) > 0) {
            Thread.interrupted(); // a late abort must not turn the wait into a spin
            LockSupport.parkNanos(left);
        }
        Thread.interrupted();
    }

    private String shortReason(CaptureException e) {
        String prefix = "camera " + camera.id() + ": ";
        String message = e.getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
