package io.linewatch.config;

/**
 * A fixed region of a camera's frame that a classification model classifies on its own: cropped
 * and resized (stretched) to the model's input.
 *
 * @param name   region name, unique per camera, a level of its state topic
 * @param x      left edge, source pixels
 * @param y      top edge, source pixels
 * @param width  width, source pixels
 * @param height height, source pixels
 */
public record RegionConfig(String name, Integer x, Integer y, Integer width, Integer height) {

    public RegionConfig {
        if (x == null || y == null || width == null || height == null) {
            throw new IllegalArgumentException("a region needs x, y, width and height (source pixels)");
        }
        if (x < 0 || y < 0 || width < 1 || height < 1) {
            throw new IllegalArgumentException("a region needs x, y >= 0 and width, height >= 1, got x " + x + ", y "
                    + y + ", width " + width + ", height " + height);
        }
    }
}
