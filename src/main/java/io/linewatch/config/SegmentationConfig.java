package io.linewatch.config;

/**
 * How a segmentation model's mask becomes defect regions.
 *
 * @param threshold the lowest probability that marks a pixel as defective
 * @param minAreaPx regions smaller than this many model-input pixels are dropped as noise
 * @param maxRegions most regions kept per frame, largest first
 */
public record SegmentationConfig(Double threshold, Integer minAreaPx, Integer maxRegions) {

    public SegmentationConfig {
        threshold = threshold == null ? 0.5 : threshold;
        minAreaPx = minAreaPx == null ? 12 : minAreaPx;
        maxRegions = maxRegions == null ? 32 : maxRegions;
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        }
        if (minAreaPx < 1 || maxRegions < 1) {
            throw new IllegalArgumentException("min_area_px and max_regions must be >= 1");
        }
    }

    public static SegmentationConfig defaults() {
        return new SegmentationConfig(null, null, null);
    }
}
