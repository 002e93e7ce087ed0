package io.linewatch.sinks;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.FrameEvent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;

/**
 * The picture of a defect alarm: the frame with the mask laid over it, semi-transparent, in one
 * colour per class (each pixel takes the colour of its most probable class at or above the
 * threshold; the mask is read back at source pixels through the letterbox), every region in a thin
 * box of its class's colour labelled with class and area, the regions that raised the alarm in a
 * thick box, and a header with camera, rule and time. Reuses its image while the frame size stays.
 */
public final class DefectSnapshot implements SnapshotRenderer {

    /** Class colours, in the model's class order (the shipped model: scratch, stain, dent, crack). */
    static final Color[] CLASS_COLOURS = {
        new Color(255, 220, 0), new Color(230, 60, 230), new Color(0, 200, 255), new Color(60, 255, 60)};
    private static final float OVERLAY_ALPHA = 0.45f;

    private final List<String> classNames;
    private final int maskOutput;
    private final float threshold;
    private final MaskSampler sampler;
    private BufferedImage image;
    private float[][] rows = new float[0][];

    /**
     * @param maskOutput index of the mask among the slot's outputs, or -1 for none (instance
     *                   segmentation: the regions' boxes only)
     * @param threshold  lowest probability drawn
     */
    public DefectSnapshot(List<String> classNames, int maskOutput, int maskWidth, int maskHeight, float threshold) {
        this.classNames = List.copyOf(classNames);
        this.maskOutput = maskOutput;
        this.threshold = threshold;
        this.sampler = new MaskSampler(maskWidth, maskHeight);
    }

    @Override
    public BufferedImage render(AlarmEvent alarm, FrameEvent frame) {
        Graphics2D g = drawFrame(frame);
        try {
            drawRegions(g, frame.defects);
            if (alarm == null) {
                Snapshots.liveHeader(g, frame);
            } else {
                drawAlarm(g, alarm, (AlarmEvent.DefectDetail) alarm.detail());
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The picture of a part in its best frame so far: the frame with the mask laid over it, every
     * region boxed and labelled, the part in a thick box, and a header with camera, part and time.
     */
    public BufferedImage renderPart(FrameEvent frame, int partId, float[] partBox, String time) {
        Graphics2D g = drawFrame(frame);
        try {
            drawRegions(g, frame.defects);
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(2f));
            drawBox(g, partBox[0], partBox[1], partBox[2], partBox[3], 1);
            Snapshots.header(g, frame.width, String.format(Locale.ROOT, "%s part %d | frame %d | %s UTC",
                    frame.cameraId, partId, frame.frameNumber, time));
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Copies the frame into the reused image (made anew when the frame size changes), lays the mask
     * over it and returns a graphics on it, for the caller to dispose.
     */
    private Graphics2D drawFrame(FrameEvent frame) {
        if (image == null || image.getWidth() != frame.width || image.getHeight() != frame.height) {
            image = new BufferedImage(frame.width, frame.height, BufferedImage.TYPE_3BYTE_BGR);
            rows = new float[classNames.size()][frame.width];
        }
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] bgr = frame.bgr(raster); // an I420 frame is converted straight into the image
        if (bgr != raster) {
            System.arraycopy(bgr, 0, raster, 0, frame.width * frame.height * 3);
        }
        overlay(frame, raster);
        return image.createGraphics();
    }

    /** Blends each pixel's most probable class colour into the BGR raster where it reaches the threshold. */
    private void overlay(FrameEvent frame, byte[] raster) {
        if (maskOutput < 0) {
            return;
        }
        FloatBuffer mask = frame.outputs[maskOutput];
        sampler.prepare(frame);
        for (int y = 0; y < frame.height; y++) {
            for (int c = 0; c < rows.length; c++) {
                sampler.sampleRow(mask, c, y, rows[c]);
            }
            for (int x = 0; x < frame.width; x++) {
                int best = mostProbable(x);
                if (best >= 0) {
                    blend(raster, (y * frame.width + x) * 3, colour(best));
                }
            }
        }
    }

    private int mostProbable(int x) {
        int best = -1;
        float bestP = threshold;
        for (int c = 0; c < rows.length; c++) {
            if (rows[c][x] >= bestP) {
                best = c;
                bestP = rows[c][x];
            }
        }
        return best;
    }

    private static void blend(byte[] bgr, int p, Color colour) {
        bgr[p] = mix(bgr[p], colour.getBlue());
        bgr[p + 1] = mix(bgr[p + 1], colour.getGreen());
        bgr[p + 2] = mix(bgr[p + 2], colour.getRed());
    }

    private static byte mix(byte pixel, int colour) {
        return (byte) Math.round((pixel & 0xff) * (1 - OVERLAY_ALPHA) + colour * OVERLAY_ALPHA);
    }

    private void drawRegions(Graphics2D g, DefectRegions d) {
        g.setStroke(new BasicStroke(1.5f));
        for (int i = 0; i < d.count(); i++) {
            g.setColor(colour(d.classId[i]));
            drawBox(g, d.x1[i], d.y1[i], d.x2[i], d.y2[i], 0);
            tag(g, String.format(Locale.ROOT, "%s %.1f mm2", name(d.classId[i]), d.areaMm2[i]),
                    Math.round(d.x1[i]), Math.round(d.y1[i]) - 3);
        }
    }

    private static void drawAlarm(Graphics2D g, AlarmEvent a, AlarmEvent.DefectDetail d) {
        g.setColor(Snapshots.ALARM);
        g.setStroke(new BasicStroke(3f));
        float largest = 0;
        for (AlarmEvent.DefectDetail.Region r : d.regions()) {
            float[] b = r.box();
            drawBox(g, b[0], b[1], b[2], b[3], 3);
            largest = Math.max(largest, r.areaMm2());
        }
        // Two short lines: inspection frames are small (384 px wide for the shipped model).
        Snapshots.header(g, a.frameWidth(), String.format(Locale.ROOT, "ALARM %s: %d x %s, largest %.1f mm2",
                a.rule(), d.count(), d.className() == null ? "defect" : d.className(), largest));
        g.setColor(new Color(0, 0, 0, 160));
        g.fillRect(0, 22, a.frameWidth(), 16);
        g.setColor(Color.WHITE);
        Snapshots.label(g, String.format(Locale.ROOT, "%s frame %d | %s UTC", a.camera(), a.frameNumber(),
                Snapshots.TIME.format(a.time())), 6, 34, 11);
    }

    /** A label on a dark patch, so that it reads on light surfaces too (no label on a box without fonts). */
    private static void tag(Graphics2D g, String text, int x, int y) {
        Color colour = g.getColor();
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
            FontMetrics m = g.getFontMetrics();
            int top = Math.max(0, y - m.getAscent());
            g.setColor(new Color(0, 0, 0, 170));
            g.fillRect(x - 1, top, m.stringWidth(text) + 2, m.getAscent() + m.getDescent());
            g.setColor(colour);
            g.drawString(text, x, top + m.getAscent());
        } catch (RuntimeException | InternalError e) {
            // no font configuration on this machine
        } finally {
            g.setColor(colour);
        }
    }

    private static void drawBox(Graphics2D g, float x1, float y1, float x2, float y2, int margin) {
        g.drawRect(Math.round(x1) - margin, Math.round(y1) - margin, Math.round(x2 - x1) + 2 * margin,
                Math.round(y2 - y1) + 2 * margin);
    }

    private static Color colour(int classId) {
        return CLASS_COLOURS[classId % CLASS_COLOURS.length];
    }

    private String name(int classId) {
        return classId < classNames.size() ? classNames.get(classId) : "class " + classId;
    }
}
