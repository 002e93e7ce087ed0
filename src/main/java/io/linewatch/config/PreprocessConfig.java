package io.linewatch.config;

import java.util.List;

/**
 * How a frame becomes a model input: letterbox, then {@code (pixel * pixelScale - mean) / std} per
 * RGB channel.
 *
 * @param padValue   letterbox border value, 0..255
 * @param pixelScale factor applied to 0..255 pixels (1/255 gives 0..1)
 * @param mean       per-channel mean, RGB order, after scaling
 * @param std        per-channel standard deviation, RGB order, after scaling
 */
public record PreprocessConfig(Integer padValue, Double pixelScale, List<Double> mean, List<Double> std) {

    public PreprocessConfig {
        padValue = padValue == null ? 114 : padValue;
        pixelScale = pixelScale == null ? 1.0 / 255.0 : pixelScale;
        mean = mean == null ? List.of(0.0, 0.0, 0.0) : List.copyOf(mean);
        std = std == null ? List.of(1.0, 1.0, 1.0) : List.copyOf(std);
        if (padValue < 0 || padValue > 255) {
            throw new IllegalArgumentException("pad_value must be 0..255, got " + padValue);
        }
        if (mean.size() != 3 || std.size() != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        }
        if (std.stream().anyMatch(s -> s == 0.0)) {
            throw new IllegalArgumentException("std values must not be 0");
        }
    }

    static PreprocessConfig defaults() {
        return new PreprocessConfig(null, null, null, null);
    }
}
