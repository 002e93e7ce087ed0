package io.linewatch.config;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where INT8 calibration frames come from. Frames go through the model's own preprocess, so
 * calibration sees exactly what inference will see.
 *
 * @param sources       recorded clips, image files or folders of images (png, jpg, bmp)
 * @param frames        most frames used in all
 * @param everyNthFrame from a clip, every n-th frame is taken (neighbouring frames are near copies)
 * @param cache         the calibration cache file; reused when it exists (sources then unused)
 */
public record CalibrationConfig(List<String> sources, Integer frames, Integer everyNthFrame, String cache) {

    public CalibrationConfig {
        sources = sources == null ? List.of() : List.copyOf(sources);
        frames = frames == null ? 256 : frames;
        everyNthFrame = everyNthFrame == null ? 5 : everyNthFrame;
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be >= 1, got " + frames);
        }
        if (everyNthFrame < 1) {
            throw new IllegalArgumentException("every_nth_frame must be >= 1, got " + everyNthFrame);
        }
    }

    public static CalibrationConfig defaults() {
        return new CalibrationConfig(null, null, null, null);
    }

    /** A copy whose file names went through {@code resolve}. */
    public CalibrationConfig withFiles(UnaryOperator<String> resolve) {
        return new CalibrationConfig(sources.stream().map(resolve).toList(), frames, everyNthFrame,
                cache == null ? null : resolve.apply(cache));
    }
}
