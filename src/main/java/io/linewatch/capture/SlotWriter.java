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
 * Copies one camera's decoded frames into claimed ring slots: camera, frame number, capture and
 * media time, pixel format and packed pixels (3 bytes a pixel for BGR, 2 for 16-bit gray, rows
 * without padding; I420 planes as the source packed them, or straight from the decoder's planes when
 * the source hands them over, {@link DecodedPlanes}). Writes only the capture fields of a slot. Used by the camera's
 * capture thread; {@link #stop()} from any thread.
 */
final class SlotWriter {

    private static final Logger LOG = LoggerFactory.getLogger(SlotWriter.class);
    /**
     * A replay that finds the ring full parks this long first, and twice as long at each try after,
     * up to {@link #MAX_SLOT_WAIT_NANOS}: a slot freed just after the first check is taken soon, and a
     * camera kept waiting by a busy engine wakes at most 1,000 times a second. (With a fixed 0.2 ms
     * park, eight cameras replayed as fast as possible switched 11,000-14,000 times a second, and
     * 4,400-5,300 with this; BENCHMARKS runs P.)
     */
    private static final long FIRST_SLOT_WAIT_NANOS = 50_000;
    /** Far shorter than a ring of frames ahead of the engine takes to drain (32 slots at 300 a second: 100 ms). */
    private static final long MAX_SLOT_WAIT_NANOS = 1_000_000;

    private final int cameraIndex;
    private final String cameraId;
    private final RingBuffer<FrameEvent> ring;
    private final CameraStats stats;
    private final boolean waitForSlot;
    private final FrameEvent.PixelFormat format;
    private final int bytesPerPixel;
    private volatile boolean stopping;
    private final String sizeHint;
    /** Width and height of the last frame dropped as too large, so each new size is logged once. */
    private long lastTooLargeSize = -1;
    /** Size of the last frame published, which the end-of-source marker repeats. */
    private int lastWidth;
    private int lastHeight;

    /**
     * @param waitForSlot wait for a free slot (a file read as fast as the pipeline takes it, nothing
     *                    lost); when false a frame that finds every slot busy is dropped and counted
     * @param sizeHint    what the log line about frames too large for the slots adds (the size the
     *                    source opened at, or what to configure)
     * @param format      the layout of the source's frames
     */
    SlotWriter(int cameraIndex, String cameraId, RingBuffer<FrameEvent> ring, CameraStats stats, boolean waitForSlot,
               String sizeHint, FrameEvent.PixelFormat format) {
        this.format = format;
        this.bytesPerPixel = format.bytesPerPixel();
        this.sizeHint = sizeHint;
        this.cameraIndex = cameraIndex;
        this.cameraId = cameraId;
        this.ring = ring;
        this.stats = stats;
        this.waitForSlot = waitForSlot;
    }

    /** Publishes a frame, or drops and counts it (larger than a slot, or ring full). */
    void publish(Frame frame, long frameNumber, long mediaMicros) {
        // The source delivers BGR24, GRAY16LE or packed I420. JavaCV derives imageChannels from the padded row
        // stride (bytes), so it can read 4 for a 3-channel frame: the width and stride are what count.
        int rowBytes = frame.imageWidth * bytesPerPixel;
        long frameBytes = format.frameBytes(frame.imageWidth, frame.imageHeight);
        DecodedPlanes planes = frame.opaque instanceof DecodedPlanes p ? p : null;
        if (frame.imageStride < rowBytes || frameBytes > ring.get(0).pixels.length) {
            stats.droppedTooLarge.incrementAndGet();
            logTooLarge(frame, frameNumber);
            return;
        }
        long sequence = claim();
        if (sequence < 0) {
            return;
        }
        try {
            FrameEvent event = stamp(sequence, frameNumber, mediaMicros, frame.imageWidth, frame.imageHeight);
            lastWidth = frame.imageWidth;
            lastHeight = frame.imageHeight;
            event.pixelFormat = format;
            if (planes != null) { // the decoder's own planes, copied once
                planes.copyTo(event.pixels);
            } else if (format == FrameEvent.PixelFormat.I420) { // planes packed by the source, no row padding
                ((ByteBuffer) frame.image[0]).get(0, event.pixels, 0, (int) frameBytes);
            } else {
                copyRows((ByteBuffer) frame.image[0], frame.imageStride, rowBytes, frame.imageHeight, event.pixels);
            }
        } finally {
            ring.publish(sequence);
        }
    }

    /**
     * Publishes the end-of-source marker after the last frame ({@link FrameEvent#sourceEnded}), so
     * that the stages close what the camera left open (objects in view, parts). Waits for a slot
     * like an unpaced replay does, unless stopping.
     */
    void publishEnd(long frameNumber, long mediaMicros) {
        long sequence;
        long waitNanos = FIRST_SLOT_WAIT_NANOS;
        while (true) {
            try {
                sequence = ring.tryNext();
                break;
            } catch (InsufficientCapacityException e) {
                if (stopping) {
                    return;
                }
                waitNanos = parkForSlot(waitNanos);
            }
        }
        try {
            FrameEvent event = stamp(sequence, frameNumber, mediaMicros, lastWidth, lastHeight);
            event.sourceEnded = true;
        } finally {
            ring.publish(sequence);
        }
    }

    /**
     * The slot at {@code sequence} with this camera's identity, the frame number, capture times, media
     * time and size written, and the marks of its last use cleared.
     */
    private FrameEvent stamp(long sequence, long frameNumber, long mediaMicros, int width, int height) {
        FrameEvent event = ring.get(sequence);
        event.cameraIndex = cameraIndex;
        event.cameraId = cameraId;
        event.frameNumber = frameNumber;
        event.captureNanos = System.nanoTime();
        event.captureEpochMillis = System.currentTimeMillis();
        event.mediaMicros = mediaMicros;
        event.width = width;
        event.height = height;
        event.clearMarks();
        return event;
    }

    /** Stops waiting for slots: later frames that find the ring full are dropped. */
    void stop() {
        stopping = true;
    }

    /** A free slot's sequence, or -1 when the frame is dropped (ring full, or stopping). */
    private long claim() {
        long waitNanos = FIRST_SLOT_WAIT_NANOS;
        while (true) {
            try {
                return ring.tryNext();
            } catch (InsufficientCapacityException e) {
                if (!waitForSlot || stopping) {
                    stats.droppedRingFull.incrementAndGet();
                    return -1;
                }
                waitNanos = parkForSlot(waitNanos);
            }
        }
    }

    /** Parks {@code nanos} for a slot to free; returns the next try's wait. */
    private static long parkForSlot(long nanos) {
        LockSupport.parkNanos(nanos);
        return Math.min(nanos * 2, MAX_SLOT_WAIT_NANOS);
    }

    /** One line for each new size of frame that does not fit (a stream that changed resolution). */
    private void logTooLarge(Frame frame, long frameNumber) {
        long size = (long) frame.imageWidth << 32 | frame.imageHeight;
        if (size != lastTooLargeSize) {
            lastTooLargeSize = size;
            LOG.error("camera {}: from frame {} the source delivers {}x{}, more than the ring's slots hold ({});"
                    + " such frames are dropped (too large)", cameraId, frameNumber, frame.imageWidth,
                    frame.imageHeight, sizeHint);
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
