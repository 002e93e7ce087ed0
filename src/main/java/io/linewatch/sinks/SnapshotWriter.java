package io.linewatch.sinks;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Writes the JPEG of an alarm, drawn by the lane's {@link SnapshotRenderer}, to
 * {@code DIR/CAMERA/SEQ-ID.jpg}. Used from one thread (a lane's sink stage), which closes it. Encodes
 * with its own {@link JpegEncoder} into reused native memory, so a snapshot leaves next to no garbage.
 */
public final class SnapshotWriter implements AutoCloseable {

    private final Path dir;
    private final SnapshotRenderer renderer;
    /** The encoder and its buffers, reused from alarm to alarm. */
    private final JpegEncoder jpeg = new JpegEncoder();

    public SnapshotWriter(Path dir, SnapshotRenderer renderer) {
        this.dir = dir;
        this.renderer = renderer;
    }

    /**
     * Draws and encodes a small JPEG in memory, so that the first alarm does not pay for loading the
     * drawing classes, fonts and FFmpeg's encoder (over 100 ms, which would stall the frames behind it).
     */
    public void warmUp() {
        BufferedImage probe = new BufferedImage(64, 32, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = probe.createGraphics();
        try {
            g.setColor(Color.RED);
            g.drawRect(2, 2, 40, 20);
            Snapshots.label(g, "warm-up", 4, 16, 11);
        } finally {
            g.dispose();
        }
        try {
            jpeg.encode(probe);
        } catch (IOException e) {
            // the first real snapshot will report it
        }
    }

    /** Writes the snapshot of {@code alarm}, raised on {@code frame}, and returns its path. */
    public Path write(AlarmEvent alarm, FrameEvent frame) throws IOException {
        BufferedImage image = renderer.render(alarm, frame);
        Path file = dir.resolve(alarm.camera()).resolve(String.format(Locale.ROOT, "%06d-%s.jpg",
                alarm.seq(), alarm.id().substring(0, 8)));
        write(image, file);
        return file;
    }

    /** Encodes {@code image} as a JPEG to {@code file} (replacing it whole, or leaving it as it was). */
    public void write(BufferedImage image, Path file) throws IOException {
        jpeg.encode(image);
        // Encoded in memory first, so that a full or read-only disk fails with the system's own reason
        // ("No space left on device") and leaves no partial file behind.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(tmp)) {
                jpeg.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Frees the encoder's native memory; a later snapshot allocates it again. */
    @Override
    public void close() {
        jpeg.close();
    }
}
