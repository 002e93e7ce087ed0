package io.linewatch.sinks;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.ClassResult;
import io.linewatch.pipeline.FrameEvent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;

/**
 * The snapshot of a state alarm: the frame, and over the alarm's region the class-activation map of
 * the region's most probable state in false colour (ThermalSnapshot's iron palette, from the map's
 * lowest to its highest value, bilinear from the map's cells, blended at 50 %), the peak marked with a
 * cross, the region boxed in red and labelled with the state and its probability. A model without a
 * map gets the box and label only. The live picture (no alarm) shows every region so, each with its
 * most probable state. Reads the slot's pixels, class results and map output.
 */
public final class ClassSnapshot implements SnapshotRenderer {

    private static final float ALPHA = 0.5f;

    private final List<String> states;
    private final int camOutput;
    private final int camHeight;
    private final int camWidth;
    private BufferedImage image;

    /**
     * @param camOutput index of the map output {@code [B, states, h, w]}, or -1 when there is none
     */
    public ClassSnapshot(List<String> states, int camOutput, int camHeight, int camWidth) {
        this.states = List.copyOf(states);
        this.camOutput = camOutput;
        this.camHeight = camHeight;
        this.camWidth = camWidth;
    }

    @Override
    public BufferedImage render(AlarmEvent alarm, FrameEvent frame) {
        if (image == null || image.getWidth() != frame.width || image.getHeight() != frame.height) {
            image = new BufferedImage(frame.width, frame.height, BufferedImage.TYPE_3BYTE_BGR);
        }
        byte[] raster = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        byte[] bgr = frame.bgr(raster); // an I420 frame is converted straight into the image
        if (bgr != raster) {
            System.arraycopy(bgr, 0, raster, 0, frame.width * frame.height * 3);
        }
        if (alarm == null) {
            drawLive(frame, raster);
        } else {
            drawAlarm((AlarmEvent.StateDetail) alarm.detail(), alarm.rule(), frame, raster);
        }
        return image;
    }

    /**
     * The live picture: every region of an inferred frame with its most probable state's map, boxed
     * (red when that state is not the model's first, normal one) and labelled with state and probability.
     */
    private void drawLive(FrameEvent frame, byte[] raster) {
        ClassResult c = frame.classes;
        int regions = frame.inferred ? c.regions() : 0;
        if (camOutput >= 0) {
            for (int r = 0; r < regions; r++) {
                overlay(frame, r, raster);
            }
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setStroke(new BasicStroke(2f));
            for (int r = 0; r < regions; r++) {
                g.setColor(c.best[r] == 0 ? Color.WHITE : Snapshots.ALARM);
                g.drawRect(c.boxX[r], c.boxY[r], c.boxWidth[r] - 1, c.boxHeight[r] - 1);
                Snapshots.label(g, String.format(Locale.ROOT, "%s %.2f", states.get(c.best[r]),
                        c.probability(r, c.best[r])), c.boxX[r], c.boxY[r] - 3, 11);
            }
            Snapshots.liveHeader(g, frame);
        } finally {
            g.dispose();
        }
    }

    private void drawAlarm(AlarmEvent.StateDetail d, String rule, FrameEvent frame, byte[] raster) {
        int region = regionOf(frame.classes, d.box());
        if (camOutput >= 0 && region >= 0) {
            overlay(frame, region, raster);
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Snapshots.ALARM);
            g.setStroke(new BasicStroke(2f));
            int[] b = d.box();
            g.drawRect(b[0], b[1], b[2] - b[0] - 1, b[3] - b[1] - 1);
            if (!Float.isNaN(d.peakX())) {
                g.setColor(Color.WHITE);
                int x = Math.round(d.peakX());
                int y = Math.round(d.peakY());
                g.drawLine(x - 5, y, x + 5, y);
                g.drawLine(x, y - 5, x, y + 5);
            }
            Snapshots.header(g, frame.width, String.format(Locale.ROOT, "ALARM %s: %s %s %.2f", rule,
                    d.region(), d.state(), d.stateProbability()));
        } finally {
            g.dispose();
        }
    }

    private static int regionOf(ClassResult c, int[] box) {
        for (int r = 0; r < c.regions(); r++) {
            if (c.boxX[r] == box[0] && c.boxY[r] == box[1]) {
                return r;
            }
        }
        return -1;
    }

    /** The map of the region's most probable state, scaled to the region and blended in false colour. */
    private void overlay(FrameEvent frame, int r, byte[] raster) {
        ClassResult c = frame.classes;
        FloatBuffer cam = frame.outputs[camOutput];
        int cells = camHeight * camWidth;
        int base = (r * states.size() + c.best[r]) * cells;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < cells; k++) {
            lo = Math.min(lo, cam.get(base + k));
            hi = Math.max(hi, cam.get(base + k));
        }
        float range = Math.max(hi - lo, 1e-6f);
        int x0 = c.boxX[r];
        int y0 = c.boxY[r];
        int w = c.boxWidth[r];
        int h = c.boxHeight[r];
        for (int y = 0; y < h && y0 + y < frame.height; y++) {
            float fy = Math.max(0, Math.min(camHeight - 1, (y + 0.5f) * camHeight / h - 0.5f));
            int cy0 = (int) fy;
            int cy1 = Math.min(cy0 + 1, camHeight - 1);
            float wy = fy - cy0;
            for (int x = 0; x < w && x0 + x < frame.width; x++) {
                float fx = Math.max(0, Math.min(camWidth - 1, (x + 0.5f) * camWidth / w - 0.5f));
                int cx0 = (int) fx;
                int cx1 = Math.min(cx0 + 1, camWidth - 1);
                float wx = fx - cx0;
                float top = lerp(cam.get(base + cy0 * camWidth + cx0), cam.get(base + cy0 * camWidth + cx1), wx);
                float bottom = lerp(cam.get(base + cy1 * camWidth + cx0), cam.get(base + cy1 * camWidth + cx1), wx);
                float v = (lerp(top, bottom, wy) - lo) / range;
                int rgb = ThermalSnapshot.PALETTE[Math.min(255, Math.max(0, (int) (v * 255)))];
                int p = ((y0 + y) * frame.width + x0 + x) * 3;
                raster[p] = mix(raster[p], rgb & 0xff);
                raster[p + 1] = mix(raster[p + 1], (rgb >> 8) & 0xff);
                raster[p + 2] = mix(raster[p + 2], (rgb >> 16) & 0xff);
            }
        }
    }

    private static float lerp(float a, float b, float w) {
        return a + (b - a) * w;
    }

    private static byte mix(byte pixel, int colour) {
        return (byte) Math.round((pixel & 0xff) * (1 - ALPHA) + colour * ALPHA);
    }
}
