package io.linewatch.config;

import java.util.List;

/**
 * What a camera of a classification model classifies.
 *
 * @param regions the named fixed regions, each classified on its own; empty: the whole frame, as one
 *                region named {@code frame}
 */
public record ClassificationCameraConfig(List<RegionConfig> regions) {

    /** The name of the one region of a camera that configures none. */
    public static final String WHOLE_FRAME = "frame";

    public ClassificationCameraConfig {
        regions = regions == null ? List.of() : List.copyOf(regions);
    }

    public static ClassificationCameraConfig defaults() {
        return new ClassificationCameraConfig(null);
    }

    /** How many images a frame of this camera gives the model: its regions, or 1 for the whole frame. */
    public int imagesPerFrame() {
        return Math.max(1, regions.size());
    }

    /** The name of region {@code r} ({@link #WHOLE_FRAME} for a camera without regions). */
    public String regionName(int r) {
        return regions.isEmpty() ? WHOLE_FRAME : regions.get(r).name();
    }
}
