package io.linewatch.sinks;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Drawing helpers the snapshot renderers share. */
public final class Snapshots {

    /** The colour of what raised the alarm. */
    public static final Color ALARM = new Color(255, 0, 0);
    /** Header times, UTC. */
    public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Snapshots() {
    }

    /** A dark band across the top with {@code text} in white. */
    public static void header(Graphics2D g, int width, String text) {
        g.setColor(new Color(0, 0, 0, 160));
        g.fillRect(0, 0, width, 22);
        g.setColor(Color.WHITE);
        label(g, text, 6, 16, 12);
    }

    /** The header of a live picture (no alarm): camera and frame number. */
    public static void liveHeader(Graphics2D g, io.linewatch.pipeline.FrameEvent frame) {
        liveHeader(g, frame.width, frame);
    }

    /** The header of a live picture {@code width} pixels wide. */
    public static void liveHeader(Graphics2D g, int width, io.linewatch.pipeline.FrameEvent frame) {
        header(g, width, "LIVE " + frame.cameraId + " frame " + frame.frameNumber);
    }

    /** Text needs fonts; on a box without any, the snapshot keeps its drawing and loses its labels. */
    public static void label(Graphics2D g, String text, int x, int y, int size) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
            g.drawString(text, x, Math.max(size, y));
        } catch (RuntimeException | InternalError e) {
            // no font configuration on this machine
        }
    }
}
