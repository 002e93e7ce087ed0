package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.ThermalModelConfig;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalResult;
import java.nio.FloatBuffer;

/**
 * The decode stage of a thermal lane, on its own thread. Reads the slot's {@code temps} and
 * {@code heatmap} outputs (by name, through {@link ThermalHeads}), its 16-bit counts, camera, size
 * and letterbox; writes the slot's {@link ThermalResult}:
 * <ul>
 *   <li>the model's max, avg and min, from its normalised unit back to kelvin;</li>
 *   <li>hotspots: heat-map cells at or above {@code hotspot_threshold} that no neighbour in their
 *       3x3 window (inside the map) exceeds, placed at the probability-weighted centroid of that
 *       window, cell {@code (i, j)} centred on input pixel {@code (s(j + 0.5), s(i + 0.5))}, mapped
 *       back to source pixels through the letterbox; the best {@code max_hotspots} by score, each
 *       with the hottest calibrated pixel of the 5x5 around the pixel holding its position (the
 *       heat map is coarser than the frame);</li>
 *   <li>the frame's hottest and coldest calibrated pixels.</li>
 * </ul>
 * Zones are measured by the temperature rules that watch them (see {@link TemperatureRule}), so a
 * reload changes a zone together with its rule. A frame allocates nothing.
 */
public final class ThermalDecodeHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "thermal";
    /** Source pixels each side of a hotspot's pixel searched for its peak temperature. */
    static final int PEAK_RADIUS_PX = 2;

    private final ThermalHeads heads;
    private final float normScaleK;
    private final float normOffsetK;
    private final float threshold;
    private final ThermalCalibration[] calibrations;

    /** @param calibrations each camera's calibration by camera index, null for cameras of other lanes */
    public ThermalDecodeHandler(ThermalHeads heads, ThermalModelConfig model, ThermalCalibration[] calibrations) {
        this.heads = heads;
        this.normScaleK = model.normScaleK().floatValue();
        this.normOffsetK = model.normOffsetK().floatValue();
        this.threshold = model.hotspotThreshold().floatValue();
        this.calibrations = calibrations.clone();
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        ThermalResult r = event.thermal;
        r.clearHotspots();
        if (event.skipped()) {
            return;
        }
        ThermalCalibration cal = calibrations[event.cameraIndex];
        readTemps(event.outputs[heads.tempsIndex()], r);
        findHotspots(event.outputs[heads.heatmapIndex()], event, r);
        for (int k = 0; k < r.hotspotCount(); k++) {
            r.hotspotPeakK[k] = peakNear(event, cal, r.hotspotX[k], r.hotspotY[k]);
        }
        frameExtremes(event, cal, r);
    }

    private void readTemps(FloatBuffer temps, ThermalResult r) {
        r.maxK = temps.get(0) * normScaleK + normOffsetK;
        r.avgK = temps.get(1) * normScaleK + normOffsetK;
        r.minK = temps.get(2) * normScaleK + normOffsetK;
    }

    private void findHotspots(FloatBuffer heat, FrameEvent e, ThermalResult r) {
        int rows = heads.heatmapHeight();
        int cols = heads.heatmapWidth();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float p = heat.get(i * cols + j);
                if (p >= threshold && isPeak(heat, i, j, p)) {
                    addHotspot(heat, e, r, i, j, p);
                }
            }
        }
    }

    /** No neighbour in the 3x3 window (inside the map) is higher. */
    private boolean isPeak(FloatBuffer heat, int i, int j, float p) {
        int cols = heads.heatmapWidth();
        for (int y = Math.max(i - 1, 0); y <= Math.min(i + 1, heads.heatmapHeight() - 1); y++) {
            for (int x = Math.max(j - 1, 0); x <= Math.min(j + 1, cols - 1); x++) {
                if (heat.get(y * cols + x) > p) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The centroid of the 3x3 window, in input pixels, then in source pixels. */
    private void addHotspot(FloatBuffer heat, FrameEvent e, ThermalResult r, int i, int j, float p) {
        int cols = heads.heatmapWidth();
        double sum = 0;
        double sumI = 0;
        double sumJ = 0;
        for (int y = Math.max(i - 1, 0); y <= Math.min(i + 1, heads.heatmapHeight() - 1); y++) {
            for (int x = Math.max(j - 1, 0); x <= Math.min(j + 1, cols - 1); x++) {
                double q = heat.get(y * cols + x);
                sum += q;
                sumI += q * y;
                sumJ += q * x;
            }
        }
        double xIn = heads.stride() * (sumJ / sum + 0.5);
        double yIn = heads.stride() * (sumI / sum + 0.5);
        float x = clamp((float) ((xIn - e.padLeft) / e.letterboxScale), e.width);
        float y = clamp((float) ((yIn - e.padTop) / e.letterboxScale), e.height);
        r.offerHotspot(x, y, p);
    }

    private static float clamp(float v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }

    /** The hottest calibrated pixel of the 5x5 centred on the pixel holding {@code (x, y)}. */
    static float peakNear(FrameEvent e, ThermalCalibration cal, float x, float y) {
        int cx = Math.min(Math.max((int) Math.floor(x), 0), e.width - 1);
        int cy = Math.min(Math.max((int) Math.floor(y), 0), e.height - 1);
        float peak = Float.NEGATIVE_INFINITY;
        for (int py = Math.max(cy - PEAK_RADIUS_PX, 0); py <= Math.min(cy + PEAK_RADIUS_PX, e.height - 1); py++) {
            for (int px = Math.max(cx - PEAK_RADIUS_PX, 0); px <= Math.min(cx + PEAK_RADIUS_PX, e.width - 1); px++) {
                peak = Math.max(peak, cal.kelvinAt(e.pixels, py * e.width + px));
            }
        }
        return peak;
    }

    private static void frameExtremes(FrameEvent e, ThermalCalibration cal, ThermalResult r) {
        int pixels = e.width * e.height;
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        int at = 0;
        for (int i = 0; i < pixels; i++) {
            float k = cal.kelvinAt(e.pixels, i);
            if (k > max) {
                max = k;
                at = i;
            }
            min = Math.min(min, k);
        }
        r.pixelMaxK = max;
        r.pixelMinK = min;
        r.pixelMaxX = at % e.width + 0.5f;
        r.pixelMaxY = at / e.width + 0.5f;
    }
}
