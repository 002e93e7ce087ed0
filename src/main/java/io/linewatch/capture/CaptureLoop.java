package io.linewatch.capture;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture stage of one camera, on its own thread: decodes frames, paces them, and copies each
 * into a claimed ring slot (camera, frame number, capture and media time, BGR pixels). A paced
 * (live-like) source never blocks on the ring: when no slot is free the frame is dropped and counted.
 * An unpaced replay is a file read as fast as the pipeline takes it: it waits for a free slot, so
 * no frame is lost. Writes only the capture fields of the slot.
 */
public final class CaptureLoop implements Runnable {

    public static final String NAME = "capture";
    private static final Logger LOG = LoggerFactory.getLogger(CaptureLoop.class);
    private static final int MAX_CONSECUTIVE_ERRORS = 25;
    private static final long SLOT_WAIT_NANOS = 200_000;

    private final int cameraIndex;
    private final String cameraId;
    private final FrameSource source;
    private final Pacer pacer;
    private final boolean waitForSlot;
    private final long maxFrames;
    private final RingBuffer<FrameEvent> ring;
    private final CameraStats stats;
    private final MediaClock mediaClock;
    private volatile boolean running = true;
    /** Width and height of the last frame dropped as too large, so each new size is logged once. */
    private long lastTooLargeSize = -1;

    /**
     * @param source    an opened source
     * @param paceFps   deliver frames at this rate, like a live camera; 0 for as fast as the ring
     *                  takes them
     * @param maxFrames stop after this many frames; 0 for the end of the source
     */
    public CaptureLoop(int cameraIndex, String cameraId, FrameSource source, double paceFps, long maxFrames,
                       RingBuffer<FrameEvent> ring, CameraStats stats) {
        this.cameraIndex = cameraIndex;
        this.cameraId = cameraId;
        this.source = source;
        this.pacer = new Pacer(paceFps);
        this.waitForSlot = paceFps <= 0;
        this.maxFrames = maxFrames > 0 ? maxFrames : Long.MAX_VALUE;
        this.ring = ring;
        this.stats = stats;
        this.mediaClock = new MediaClock(source.frameRate());
    }

    @Override
    public void run() {
        long frameNumber = 0;
        int consecutiveErrors = 0;
        try {
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
                        return;
                    }
                    frameNumber++;
                    continue;
                }
                if (frame == null) {
                    LOG.info("camera {}: end of source after {} frames", cameraId, frameNumber);
                    return;
                }
                stats.framesIn.incrementAndGet();
                publish(frame, frameNumber++);
            }
        } finally {
            source.close();
        }
    }

    /** Asks the loop to stop after the frame in hand; the thread then closes the source. */
    public void stop() {
        running = false;
    }

    private void publish(Frame frame, long frameNumber) {
        // The source delivers BGR24. JavaCV derives imageChannels from the padded row stride, so it
        // can read 4 for a 3-channel frame: the width and stride are what count.
        int rowBytes = frame.imageWidth * 3;
        if (frame.imageStride < rowBytes || (long) rowBytes * frame.imageHeight > ring.get(0).pixels.length) {
            stats.droppedTooLarge.incrementAndGet();
            logTooLarge(frame, frameNumber);
            return;
        }
        long sequence = claim();
        if (sequence < 0) {
            return;
        }
        try {
            FrameEvent event = ring.get(sequence);
            event.cameraIndex = cameraIndex;
            event.cameraId = cameraId;
            event.frameNumber = frameNumber;
            event.captureNanos = System.nanoTime();
            event.captureEpochMillis = System.currentTimeMillis();
            event.mediaMicros = mediaClock.toMediaMicros(frame.timestamp);
            event.width = frame.imageWidth;
            event.height = frame.imageHeight;
            event.clearMarks();
            copyRows((ByteBuffer) frame.image[0], frame.imageStride, rowBytes, frame.imageHeight, event.pixels);
        } finally {
            ring.publish(sequence);
        }
    }

    /** One line for each new size of frame that does not fit (a stream that changed resolution). */
    private void logTooLarge(Frame frame, long frameNumber) {
        long size = (long) frame.imageWidth << 32 | frame.imageHeight;
        if (size != lastTooLargeSize) {
            lastTooLargeSize = size;
            LOG.error("camera {}: from frame {} the source delivers {}x{}, more than the ring's slots hold (it opened"
                            + " at {}x{}); such frames are dropped (too large)", cameraId, frameNumber, frame.imageWidth,
                    frame.imageHeight, source.width(), source.height());
        }
    }

    /** A free slot's sequence, or -1 when the frame is dropped (ring full, or stopping). */
    private long claim() {
        while (true) {
            try {
                return ring.tryNext();
            } catch (InsufficientCapacityException e) {
                if (!waitForSlot || !running) {
                    stats.droppedRingFull.incrementAndGet();
                    return -1;
                }
                LockSupport.parkNanos(SLOT_WAIT_NANOS);
            }
        }
    }

    static void copyRows(ByteBuffer src, int strideBytes, int rowBytes, int rows, byte[] dst) {
        if (strideBytes == rowBytes) {
            src.get(0, dst, 0, rowBytes * rows);
            return;
        }
        for (int y = 0; y < rows; y++) {
            src.get(y * strideBytes, dst, y * rowBytes, rowBytes);
        }
    }
}
