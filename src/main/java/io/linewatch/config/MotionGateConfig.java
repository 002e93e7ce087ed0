package io.linewatch.config;

/**
 * A camera's motion gate: its frames that barely differ from the last inferred one are not inferred.
 *
 * @param threshold the largest tile's mean absolute difference (grey levels 0-255, raw counts for a
 *                  16-bit camera) under which a frame counts as still
 * @param maxSkipMs the longest time, on the frame clock, between two inferences however still the
 *                  scene: no alarm waits longer than this for the inference that raises it
 */
public record MotionGateConfig(Double threshold, Integer maxSkipMs) {

    public static final double DEFAULT_THRESHOLD = 2.0;
    public static final int DEFAULT_MAX_SKIP_MS = 1000;

    public MotionGateConfig {
        threshold = threshold == null ? DEFAULT_THRESHOLD : threshold;
        maxSkipMs = maxSkipMs == null ? DEFAULT_MAX_SKIP_MS : maxSkipMs;
    }
}
