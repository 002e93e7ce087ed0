package io.linewatch.config;

/**
 * How a thermal model's input and outputs relate to temperatures.
 *
 * @param normOffsetK      the input is {@code (kelvin - normOffsetK) / normScaleK}; its temperature
 *                         outputs use the same unit
 * @param normScaleK       see {@code normOffsetK}
 * @param hotspotThreshold the heat map's lowest peak probability that counts as a hotspot
 * @param maxHotspots      most hotspots kept per frame, hottest first
 */
public record ThermalModelConfig(Double normOffsetK, Double normScaleK, Double hotspotThreshold, Integer maxHotspots) {

    public ThermalModelConfig {
        normOffsetK = normOffsetK == null ? 273.15 : normOffsetK;
        normScaleK = normScaleK == null ? 100.0 : normScaleK;
        hotspotThreshold = hotspotThreshold == null ? 0.3 : hotspotThreshold;
        maxHotspots = maxHotspots == null ? 8 : maxHotspots;
        if (!(normScaleK > 0)) {
            throw new IllegalArgumentException("norm_scale_k must be > 0, got " + normScaleK);
        }
        if (!(hotspotThreshold > 0 && hotspotThreshold < 1)) {
            throw new IllegalArgumentException("hotspot_threshold must be in (0, 1), got " + hotspotThreshold);
        }
        if (maxHotspots < 1) {
            throw new IllegalArgumentException("max_hotspots must be >= 1, got " + maxHotspots);
        }
    }

    public static ThermalModelConfig defaults() {
        return new ThermalModelConfig(null, null, null, null);
    }
}
