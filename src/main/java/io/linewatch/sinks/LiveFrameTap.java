package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.LiveFrames;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink stage of one lane, beside the alarm sink: the live picture of a watched camera. On the
 * lane's sink thread it does nothing unless {@link LiveFrames#take} says a viewer wants a picture of
 * the frame's camera now (at most one per period); then it draws the frame with its results (the
 * lane's {@link SnapshotRenderer}, its own instance) and copies the picture into the free one of two
 * images. A thread of its own ({@code lw-<lane>-jpeg}) encodes that image as JPEG and publishes it,
 * so the ring waits for a drawing, never for an encoder; while it still encodes the last picture, a
 * new one is skipped. The encoder ({@link JpegEncoder}) works in reused native memory: a picture's
 * only garbage is the published JPEG itself. Reads the slot; writes nothing into it.
 */
public final class LiveFrameTap implements EventHandler<FrameEvent>, AutoCloseable {

    public static final String NAME = "live";
    private static final Logger LOG = LoggerFactory.getLogger(LiveFrameTap.class);

    private final LiveFrames live;
    private final SnapshotRenderer renderer;
    private final BufferedImage[] images = new BufferedImage[2];
    private final AtomicBoolean encoding = new AtomicBoolean();
    private final Thread encoder;
    /** Used on the encoder thread only, which frees it when it ends. */
    private final JpegEncoder jpeg = new JpegEncoder();
    private int next;
    private volatile Pending pending;
    private volatile boolean closed;

    private record Pending(BufferedImage image, int camera, long frameNumber) {
    }

    public LiveFrameTap(String lane, LiveFrames live, SnapshotRenderer renderer) {
        this.live = live;
        this.renderer = renderer;
        this.encoder = new Thread(this::encodeLoop, "lw-" + lane + "-jpeg");
        encoder.setDaemon(true);
        encoder.start();
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (event.skipped() || encoding.get() || !live.take(event.cameraIndex, System.nanoTime())) {
            return;
        }
        BufferedImage drawn = renderer.render(null, event);
        BufferedImage copy = copyInto(next, drawn);
        next = 1 - next;
        encoding.set(true);
        pending = new Pending(copy, event.cameraIndex, event.frameNumber);
        LockSupport.unpark(encoder);
    }

    private BufferedImage copyInto(int slot, BufferedImage drawn) {
        BufferedImage image = images[slot];
        if (image == null || image.getWidth() != drawn.getWidth() || image.getHeight() != drawn.getHeight()) {
            image = new BufferedImage(drawn.getWidth(), drawn.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            images[slot] = image;
        }
        if (drawn.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            byte[] from = ((DataBufferByte) drawn.getRaster().getDataBuffer()).getData();
            byte[] to = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            System.arraycopy(from, 0, to, 0, to.length);
        } else {
            image.getGraphics().drawImage(drawn, 0, 0, null);
        }
        return image;
    }

    private void encodeLoop() {
        while (!closed) {
            Pending p = pending;
            if (p == null) {
                LockSupport.park(this);
                continue;
            }
            pending = null;
            try {
                int size = jpeg.encode(p.image());
                live.publish(p.camera(), new LiveFrames.Picture(Arrays.copyOf(jpeg.bytes(), size), p.frameNumber(),
                        System.nanoTime()));
            } catch (IOException | RuntimeException e) {
                LOG.warn("live picture of camera index {} not encoded: {}", p.camera(), e.getMessage());
            } finally {
                encoding.set(false);
            }
        }
        jpeg.close();
    }

    @Override
    public void onShutdown() {
        close();
    }

    /** Stops the encoder thread, which then frees its encoder. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(encoder);
    }
}
