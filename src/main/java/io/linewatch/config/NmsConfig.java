package io.linewatch.config;

import java.util.Map;

/**
 * Detection thresholds applied after decoding.
 *
 * @param confidence      minimum score for a class without its own threshold
 * @param classConfidence per-class minimum score, by class name
 * @param iouThreshold    overlap above which the lower-scored box is suppressed
 * @param classAgnostic   suppress across classes, not only within one
 * @param maxDetections   most boxes kept per frame
 */
public record NmsConfig(
        Double confidence,
        Map<String, Double> classConfidence,
        Double iouThreshold,
        Boolean classAgnostic,
        Integer maxDetections) {

    public NmsConfig {
        confidence = confidence == null ? 0.25 : confidence;
        classConfidence = classConfidence == null ? Map.of() : Map.copyOf(classConfidence);
        iouThreshold = iouThreshold == null ? 0.45 : iouThreshold;
        classAgnostic = classAgnostic != null && classAgnostic;
        maxDetections = maxDetections == null ? 100 : maxDetections;
        if (confidence < 0 || confidence > 1 || iouThreshold < 0 || iouThreshold > 1) {
            throw new IllegalArgumentException("confidence and iou_threshold must be within 0..1");
        }
        if (maxDetections < 1) {
            throw new IllegalArgumentException("max_detections must be >= 1, got " + maxDetections);
        }
    }

    static NmsConfig defaults() {
        return new NmsConfig(null, null, null, null, null);
    }

    /** The threshold for one class. */
    public double confidenceFor(String className) {
        return classConfidence.getOrDefault(className, confidence);
    }
}
