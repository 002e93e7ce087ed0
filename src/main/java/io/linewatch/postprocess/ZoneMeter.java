package io.linewatch.postprocess;

import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.ThermalCalibration;

/**
 * Measures one zone of a thermal camera's frames: max, average and min of the calibrated object
 * temperatures of the pixels whose centres lie inside its polygon, and the centre of the hottest.
 * The pixels inside are found once per frame size; a frame allocates nothing. Not thread-safe:
 * used by the rule that owns it, on the alarm stage's thread.
 */
final class ZoneMeter {

    private final ThermalZone zone;
    private int[] inside = new int[0];
    private long insideForSize = -1;

    /** The latest frame's readings, kelvin; NaN when no pixel of the frame lies in the zone. */
    float maxK;
    float avgK;
    float minK;
    /** Centre of the hottest pixel, source pixels; NaN as above. */
    float maxX;
    float maxY;
    /** Pixels measured in the latest frame. */
    int pixels;

    ZoneMeter(ThermalZone zone) {
        this.zone = zone;
    }

    ThermalZone zone() {
        return zone;
    }

    /** Reads the zone of a 16-bit frame through the camera's calibration. */
    void measure(FrameEvent e, ThermalCalibration cal) {
        long size = (long) e.width << 32 | e.height;
        if (size != insideForSize) {
            inside = zone.pixels(e.width, e.height);
            insideForSize = size;
        }
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        double sum = 0;
        int at = -1;
        for (int i : inside) {
            float k = cal.kelvinAt(e.pixels, i);
            sum += k;
            min = Math.min(min, k);
            if (k > max) {
                max = k;
                at = i;
            }
        }
        pixels = inside.length;
        boolean empty = pixels == 0;
        maxK = empty ? Float.NaN : max;
        minK = empty ? Float.NaN : min;
        avgK = empty ? Float.NaN : (float) (sum / pixels);
        maxX = empty ? Float.NaN : at % e.width + 0.5f;
        maxY = empty ? Float.NaN : at / e.width + 0.5f;
    }
}
