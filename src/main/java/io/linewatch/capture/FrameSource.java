package io.linewatch.capture;

import io.linewatch.pipeline.FrameEvent;
import org.bytedeco.javacv.Frame;

/**
 * Decodes frames of one camera. Used by one capture thread only. A frame returned by {@link #next()}
 * is valid only until the next call: copy it before asking for another.
 */
public interface FrameSource extends AutoCloseable {

    /** Opens the source; afterwards {@link #width()}, {@link #height()} and {@link #frameRate()} hold. */
    void open() throws CaptureException;

    int width();

    int height();

    /** Frames per second the source declares; 0 when unknown. */
    double frameRate();

    /**
     * The next frame in {@link #pixelFormat()} (packed BGR, 16-bit little-endian gray samples, or
     * I420 planes packed one after the other in {@code image[0]}), or {@code null} at the end of a
     * finite source.
     */
    Frame next() throws CaptureException;

    /**
     * Where the source says what changed within its state (it grew: its frames are scaled from
     * now on), as one line; by default it logs the line. Set before the capture starts.
     */
    default void stateNotes(java.util.function.Consumer<String> notes) {
    }

    /**
     * Lets {@link #next()} hand an I420 frame that the decoder gave as yuv420p over unpacked: its
     * {@code image[0]} is then left as it was and its {@code opaque} is a {@link DecodedPlanes}, which
     * copies the planes straight into a slot (one copy of the frame instead of two). Other frames stay
     * packed, with a null {@code opaque}. For the capture stage's {@link SlotWriter}; call before
     * {@link #open()}. A source without a decoder of its own ignores it.
     */
    default void handOverPlanes() {
    }

    /** The layout of the frames {@link #next()} returns. */
    default FrameEvent.PixelFormat pixelFormat() {
        return FrameEvent.PixelFormat.BGR24;
    }

    @Override
    void close();
}
