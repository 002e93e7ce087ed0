package io.linewatch.postprocess;

import java.util.List;

/**
 * A zone of a thermal camera, from a temperature rule: the decode stage measures the calibrated
 * pixels whose centres lie inside it.
 *
 * @param name    the zone's name, as events carry it
 * @param points  the polygon in source pixels, {@code [[x, y], ...]}
 * @param polygon the same, ready for point tests
 */
public record ThermalZone(String name, List<List<Double>> points, PolygonZone polygon) {

    public ThermalZone(String name, List<List<Double>> points) {
        this(name, List.copyOf(points), new PolygonZone(points));
    }

    /**
     * The indexes ({@code y * width + x}) of the pixels of a {@code width x height} frame whose
     * centres lie inside the zone.
     */
    public int[] pixels(int width, int height) {
        int[] inside = new int[width * height];
        int n = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (polygon.contains(x + 0.5f, y + 0.5f)) {
                    inside[n++] = y * width + x;
                }
            }
        }
        return java.util.Arrays.copyOf(inside, n);
    }
}
