package io.linewatch.sinks;

import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * The picture of a temperature alarm: the frame's calibrated object temperatures in false colour (an
 * iron palette from the frame's coldest to its hottest pixel), scaled up so that a small radiometric
 * frame is readable (x4 for 160 pixels wide), every hotspot the model found circled, the alarm's
 * hotspot marked with its temperature, the rule's zone outlined, a temperature scale bar with its
 * max and min, and a header with rule, reading, camera, frame and time. A live picture (no alarm)
 * outlines every zone the camera's temperature rules watch, with its name. Reuses its images while the
 * frame size stays.
 */
public final class ThermalSnapshot implements SnapshotRenderer {

    /** Frames are scaled up by a whole factor to about this width. */
    private static final int READABLE_WIDTH_PX = 640;
    private static final int BAR_PANEL_PX = 84;
    private static final int MARGIN_PX = 30;
    /** A frame hotter than its coldest pixel by less than this is shown over this span. */
    private static final double MIN_SPAN_K = 1.0;
    private static final Color ZONE = new Color(0, 255, 120);
    private static final Color MARK = new Color(0, 230, 255);
    /** Iron: black, indigo, purple, red, orange, yellow, near white. */
    private static final float[][] IRON_STOPS = {
        {0f, 0, 0, 0}, {0.14f, 32, 4, 98}, {0.32f, 128, 8, 140}, {0.52f, 215, 48, 58},
        {0.72f, 250, 138, 8}, {0.88f, 255, 214, 50}, {1f, 255, 252, 235}};
    static final int[] PALETTE = palette(256);

    private final ThermalCalibration[] calibrations;
    private final List<List<Zone>> zones;
    private BufferedImage frameImage;
    private BufferedImage image;

    /** A zone a temperature rule watches, outlined with its name on the camera's live picture. */
    public record Zone(String name, List<List<Double>> polygon) {
    }

    /** @param calibrations each camera's calibration, by camera index; live pictures show no zones */
    public ThermalSnapshot(ThermalCalibration[] calibrations) {
        this(calibrations, List.of());
    }

    /**
     * @param calibrations each camera's calibration, by camera index
     * @param zones        each camera's zones, by camera index (a shorter list: no zones for the rest),
     *                     outlined with their names on its live pictures
     */
    public ThermalSnapshot(ThermalCalibration[] calibrations, List<List<Zone>> zones) {
        this.calibrations = calibrations.clone();
        this.zones = List.copyOf(zones);
    }

    @Override
    public BufferedImage render(AlarmEvent alarm, FrameEvent frame) {
        ThermalCalibration cal = calibrations[frame.cameraIndex];
        AlarmEvent.ThermalDetail detail = alarm == null ? null : (AlarmEvent.ThermalDetail) alarm.detail();
        int scale = scaleFor(frame.width);
        double[] range = range(frame, cal);
        paintFrame(frame, cal, range);
        if (image == null || image.getWidth() != frame.width * scale + BAR_PANEL_PX
                || image.getHeight() != frame.height * scale) {
            image = new BufferedImage(frame.width * scale + BAR_PANEL_PX, frame.height * scale,
                    BufferedImage.TYPE_3BYTE_BGR);
        }
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.BLACK);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(frameImage, 0, 0, frame.width * scale, frame.height * scale, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            drawHotspots(g, frame.thermal, scale);
            drawScaleBar(g, frame.width * scale, image.getHeight(), range, cal);
            if (detail == null) {
                drawLiveZones(g, frame.cameraIndex, scale);
                Snapshots.liveHeader(g, image.getWidth(), frame);
                return image;
            }
            drawZone(g, detail.polygon(), scale);
            drawAlarmHotspot(g, detail, scale);
            Snapshots.header(g, image.getWidth(), String.format(Locale.ROOT,
                    "ALARM %s: %s %.1f %s (%s) | %s frame %d | %s UTC", alarm.rule(), detail.measure(), detail.value(),
                    cal.unitSymbol(), detail.zone(), alarm.camera(), alarm.frameNumber(),
                    Snapshots.TIME.format(alarm.time())));
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The whole factor that brings a frame closest to a readable width, at least 1. */
    static int scaleFor(int width) {
        return Math.max(1, Math.round((float) READABLE_WIDTH_PX / width));
    }

    /** The frame's coldest and hottest object temperature, kelvin, at least {@link #MIN_SPAN_K} apart. */
    private static double[] range(FrameEvent frame, ThermalCalibration cal) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < frame.width * frame.height; i++) {
            double k = cal.kelvinAt(frame.pixels, i);
            min = Math.min(min, k);
            max = Math.max(max, k);
        }
        if (max - min < MIN_SPAN_K) {
            double mid = (max + min) / 2;
            return new double[] {mid - MIN_SPAN_K / 2, mid + MIN_SPAN_K / 2};
        }
        return new double[] {min, max};
    }

    private void paintFrame(FrameEvent frame, ThermalCalibration cal, double[] range) {
        if (frameImage == null || frameImage.getWidth() != frame.width || frameImage.getHeight() != frame.height) {
            frameImage = new BufferedImage(frame.width, frame.height, BufferedImage.TYPE_INT_RGB);
        }
        double toIndex = (PALETTE.length - 1) / (range[1] - range[0]);
        for (int y = 0; y < frame.height; y++) {
            for (int x = 0; x < frame.width; x++) {
                double k = cal.kelvinAt(frame.pixels, y * frame.width + x);
                int index = (int) Math.round((k - range[0]) * toIndex);
                frameImage.setRGB(x, y, PALETTE[Math.max(0, Math.min(PALETTE.length - 1, index))]);
            }
        }
    }

    private void drawLiveZones(Graphics2D g, int camera, int scale) {
        if (camera >= zones.size()) {
            return;
        }
        for (Zone zone : zones.get(camera)) {
            drawZone(g, zone.polygon(), scale);
            List<Double> first = zone.polygon().get(0);
            Snapshots.label(g, zone.name(), (int) Math.round(first.get(0) * scale) + 3,
                    (int) Math.round(first.get(1) * scale) - 4, 12);
        }
    }

    private static void drawZone(Graphics2D g, List<List<Double>> points, int scale) {
        if (points.isEmpty()) {
            return;
        }
        Polygon p = new Polygon();
        for (List<Double> point : points) {
            p.addPoint((int) Math.round(point.get(0) * scale), (int) Math.round(point.get(1) * scale));
        }
        g.setColor(ZONE);
        g.setStroke(new BasicStroke(2.5f));
        g.drawPolygon(p);
    }

    private static void drawHotspots(Graphics2D g, ThermalResult r, int scale) {
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1.5f));
        for (int i = 0; i < r.hotspotCount(); i++) {
            int x = Math.round(r.hotspotX[i] * scale);
            int y = Math.round(r.hotspotY[i] * scale);
            g.drawOval(x - 12, y - 12, 24, 24);
        }
    }

    private static void drawAlarmHotspot(Graphics2D g, AlarmEvent.ThermalDetail d, int scale) {
        if (Float.isNaN(d.hotspotX())) {
            return;
        }
        int x = Math.round(d.hotspotX() * scale);
        int y = Math.round(d.hotspotY() * scale);
        g.setColor(MARK);
        g.setStroke(new BasicStroke(3f));
        g.drawOval(x - 16, y - 16, 32, 32);
        g.drawLine(x - 24, y, x - 8, y);
        g.drawLine(x + 8, y, x + 24, y);
        g.drawLine(x, y - 24, x, y - 8);
        g.drawLine(x, y + 8, x, y + 24);
        Snapshots.label(g, String.format(Locale.ROOT, "%.1f", d.max()), x + 18, y - 18, 13);
    }

    /** A vertical bar of the palette, hottest at the top, labelled with the range in the camera's unit. */
    private static void drawScaleBar(Graphics2D g, int left, int height, double[] rangeK, ThermalCalibration cal) {
        int x = left + 12;
        int top = MARGIN_PX + 12;
        int bottom = height - MARGIN_PX;
        int barWidth = 18;
        for (int y = top; y <= bottom; y++) {
            double share = (double) (bottom - y) / Math.max(1, bottom - top);
            g.setColor(new Color(PALETTE[(int) Math.round(share * (PALETTE.length - 1))]));
            g.drawLine(x, y, x + barWidth, y);
        }
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, top, barWidth, bottom - top);
        Snapshots.label(g, String.format(Locale.ROOT, "%.1f", cal.toUnit(rangeK[1])), x - 2, top - 4, 12);
        Snapshots.label(g, String.format(Locale.ROOT, "%.1f", cal.toUnit(rangeK[0])), x - 2, bottom + 16, 12);
        Snapshots.label(g, cal.unitSymbol(), x + barWidth + 6, (top + bottom) / 2, 12);
    }

    /** {@code n} RGB colours along the iron palette's stops. */
    private static int[] palette(int n) {
        int[] colours = new int[n];
        for (int i = 0; i < n; i++) {
            float t = (float) i / (n - 1);
            int s = 1;
            while (s < IRON_STOPS.length - 1 && IRON_STOPS[s][0] < t) {
                s++;
            }
            float[] a = IRON_STOPS[s - 1];
            float[] b = IRON_STOPS[s];
            float w = (t - a[0]) / (b[0] - a[0]);
            int r = Math.round(a[1] + (b[1] - a[1]) * w);
            int gr = Math.round(a[2] + (b[2] - a[2]) * w);
            int bl = Math.round(a[3] + (b[3] - a[3]) * w);
            colours[i] = r << 16 | gr << 8 | bl;
        }
        return colours;
    }
}
