package io.linewatch.sinks;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.Detections;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes the annotated JPEG of an alarm: the frame, every detection in a thin box, the box that
 * raised the alarm thick and labelled, and a header with camera, rule and time. Used from one
 * thread. The image is reused; the JPEG encoder still allocates about a frame's worth per snapshot.
 */
public final class SnapshotWriter {

    private static final Color[] CLASS_COLOURS = {
        new Color(0, 200, 0), new Color(255, 60, 60), new Color(60, 160, 255), new Color(255, 200, 0)};
    private static final Color ALARM = new Color(255, 0, 0);
    private static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    private final Path dir;
    private final List<String> classNames;
    /** Reused from alarm to alarm while the frame size stays. */
    private BufferedImage image;
    /** The encoded JPEG, its buffer reused from alarm to alarm. */
    private final java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream(1 << 16);

    public SnapshotWriter(Path dir, List<String> classNames) {
        this.dir = dir;
        this.classNames = classNames;
    }

    /**
     * Encodes a small JPEG in memory, so that the first alarm does not pay for loading the image
     * classes and the JPEG codec (over 100 ms, which would stall the frames behind it).
     */
    public void warmUp() {
        BufferedImage probe = new BufferedImage(64, 32, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = probe.createGraphics();
        try {
            g.setColor(ALARM);
            g.drawRect(2, 2, 40, 20);
            label(g, "warm-up", 4, 16, 11);
        } finally {
            g.dispose();
        }
        try {
            ImageIO.write(probe, "jpg", new java.io.ByteArrayOutputStream());
        } catch (IOException e) {
            // the first real snapshot will report it
        }
    }

    /** Writes the snapshot of {@code alarm} and returns its path. */
    public Path write(AlarmEvent alarm, byte[] bgr, int width, int height, Detections detections) throws IOException {
        if (image == null || image.getWidth() != width || image.getHeight() != height) {
            image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        }
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        System.arraycopy(bgr, 0, raster, 0, width * height * 3);
        Graphics2D g = image.createGraphics();
        try {
            drawDetections(g, detections);
            drawAlarm(g, alarm);
        } finally {
            g.dispose();
        }
        Path file = dir.resolve(alarm.camera()).resolve(String.format(Locale.ROOT, "%06d-%s.jpg",
                alarm.seq(), alarm.id().substring(0, 8)));
        jpeg.reset();
        if (!ImageIO.write(image, "jpg", jpeg)) {
            throw new IOException("no JPEG writer available");
        }
        // Encoded in memory first, so that a full or read-only disk fails with the system's own reason
        // ("No space left on device") and leaves no partial file behind.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(tmp)) {
                jpeg.writeTo(out);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return file;
    }

    private void drawDetections(Graphics2D g, Detections d) {
        g.setStroke(new BasicStroke(1.5f));
        for (int i = 0; i < d.count(); i++) {
            g.setColor(CLASS_COLOURS[d.classId[i] % CLASS_COLOURS.length]);
            g.drawRect(Math.round(d.x1[i]), Math.round(d.y1[i]),
                    Math.round(d.x2[i] - d.x1[i]), Math.round(d.y2[i] - d.y1[i]));
            label(g, String.format(Locale.ROOT, "%s %.2f", name(d.classId[i]), d.score[i]),
                    Math.round(d.x1[i]), Math.round(d.y1[i]) - 3, 11);
        }
    }

    private void drawAlarm(Graphics2D g, AlarmEvent a) {
        float[] b = a.box();
        g.setColor(ALARM);
        g.setStroke(new BasicStroke(4f));
        g.drawRect(Math.round(b[0]) - 3, Math.round(b[1]) - 3, Math.round(b[2] - b[0]) + 6, Math.round(b[3] - b[1]) + 6);
        g.setColor(new Color(0, 0, 0, 160));
        g.fillRect(0, 0, a.frameWidth(), 22);
        g.setColor(Color.WHITE);
        label(g, String.format(Locale.ROOT, "ALARM %s: %s %.2f | %s frame %d | %s UTC", a.rule(), a.className(),
                a.score(), a.camera(), a.frameNumber(), TIME.format(a.time())), 6, 16, 12);
    }

    private String name(int classId) {
        return classId < classNames.size() ? classNames.get(classId) : "class " + classId;
    }

    /** Text needs fonts; on a box without any, the snapshot keeps its boxes and loses its labels. */
    private static void label(Graphics2D g, String text, int x, int y, int size) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
            g.drawString(text, x, Math.max(size, y));
        } catch (RuntimeException | InternalError e) {
            // no font configuration on this machine
        }
    }
}
