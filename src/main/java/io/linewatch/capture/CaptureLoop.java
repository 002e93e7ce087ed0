package io.linewatch.capture;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.SourceState;
import java.util.Locale;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture stage of one recorded camera (a file), on its own thread: decodes frames, paces them,
 * and copies each into a claimed ring slot (camera, frame number, capture and media time, BGR or 16-bit
 * pixels). A paced (live-like) source never blocks on the ring: when no slot is free the frame is
 * dropped and counted. An unpaced replay is a file read as fast as the pipeline takes it: it waits
 * for a free slot, so no frame is lost. Writes only the capture fields of the slot. Reports
 * STREAMING at the first frame and STOPPED when it ends; after a file's last frame it publishes the
 * end-of-source marker ({@link FrameEvent#sourceEnded}).
 */
public final class CaptureLoop implements Runnable {

    public static final String NAME = "capture";
    private static final Logger LOG = LoggerFactory.getLogger(CaptureLoop.class);
    private static final int MAX_CONSECUTIVE_ERRORS = 25;

    private final String cameraId;
    private final FrameSource source;
    private final Pacer pacer;
    private final long maxFrames;
    private final SlotWriter writer;
    private final CameraStats stats;
    private final MediaClock mediaClock;
    private final SourceStateMachine state;
    private volatile boolean running = true;

    /**
     * @param source    an opened source, whose state machine is CONNECTING
     * @param paceFps   deliver frames at this rate, like a live camera; 0 for as fast as the ring
     *                  takes them
     * @param maxFrames stop after this many frames; 0 for the end of the source
     */
    public CaptureLoop(int cameraIndex, String cameraId, FrameSource source, double paceFps, long maxFrames,
                       RingBuffer<FrameEvent> ring, CameraStats stats, SourceStateMachine state) {
        this.cameraId = cameraId;
        this.source = source;
        this.pacer = new Pacer(paceFps);
        this.maxFrames = maxFrames > 0 ? maxFrames : Long.MAX_VALUE;
        this.writer = new SlotWriter(cameraIndex, cameraId, ring, stats, paceFps <= 0,
                String.format(Locale.ROOT, "it opened at %dx%d", source.width(), source.height()),
                source.pixelFormat());
        this.stats = stats;
        this.mediaClock = new MediaClock(source.frameRate());
        this.state = state;
        source.stateNotes(state::note);
    }

    @Override
    public void run() {
        String end = "stopped";
        try {
            end = capture();
        } finally {
            source.close();
            state.moveTo(SourceState.STOPPED, end);
        }
    }

    /** Decodes until the end, an error streak, the frame limit or a stop; says which. */
    private String capture() {
        long frameNumber = 0;
        long lastMediaMicros = 0;
        int consecutiveErrors = 0;
        while (running && frameNumber < maxFrames) {
            pacer.awaitFrame(frameNumber);
            Frame frame;
            long decodeStart = System.nanoTime();
            try {
                frame = source.next();
                stats.decodeNanos.addAndGet(System.nanoTime() - decodeStart);
                consecutiveErrors = 0;
            } catch (CaptureException e) {
                stats.framesIn.incrementAndGet();
                stats.droppedDecodeError.incrementAndGet();
                if (consecutiveErrors == 0) {
                    LOG.warn("{} (frame {} dropped; the camera goes on)", e.getMessage(), frameNumber);
                }
                if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
                    LOG.error("{} (stopping camera after {} errors in a row)", e.getMessage(), consecutiveErrors);
                    return "stopped after " + consecutiveErrors + " decode errors in a row";
                }
                frameNumber++;
                continue;
            }
            if (frame == null) {
                LOG.info("camera {}: end of source after {} frames", cameraId, frameNumber);
                writer.publishEnd(frameNumber, lastMediaMicros);
                return "end of file";
            }
            if (state.state() == SourceState.CONNECTING) {
                state.moveTo(SourceState.STREAMING, String.format(Locale.ROOT, "%dx%d at %.2f fps",
                        frame.imageWidth, frame.imageHeight, source.frameRate()));
            }
            stats.framesIn.incrementAndGet();
            lastMediaMicros = mediaClock.toMediaMicros(frame.timestamp);
            writer.publish(frame, frameNumber++, lastMediaMicros);
        }
        return running ? "frame limit reached" : "stopped";
    }

    /** Asks the loop to stop after the frame in hand; the thread then closes the source. */
    public void stop() {
        running = false;
        writer.stop();
    }
}
