package io.linewatch.postprocess;

import java.util.List;

/** A polygon in source pixels; a box is inside when its centre is (even-odd rule). */
public final class PolygonZone {

    private final float[] xs;
    private final float[] ys;

    /** From {@code [[x, y], ...]} points; an empty list is a zone that holds everything. */
    public PolygonZone(List<List<Double>> points) {
        xs = new float[points.size()];
        ys = new float[points.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = points.get(i).get(0).floatValue();
            ys[i] = points.get(i).get(1).floatValue();
        }
    }

    /** True when the zone holds the point; always true for an empty zone. */
    public boolean contains(float x, float y) {
        if (xs.length == 0) {
            return true;
        }
        boolean inside = false;
        for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
            if ((ys[i] > y) != (ys[j] > y) && x < (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i]) + xs[i]) {
                inside = !inside;
            }
        }
        return inside;
    }
}
