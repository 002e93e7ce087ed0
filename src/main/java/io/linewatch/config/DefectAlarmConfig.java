package io.linewatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A defect alarm on inspection cameras: a frame counts as a hit when it has at least
 * {@code minCount} defect regions of the rule's class (any class when absent), each at least
 * {@code minAreaMm2} large; raised after {@code raiseFrames} hits in a row, cleared after
 * {@code clearFrames} frames in a row without one, not raised again within {@code cooldownSeconds}.
 *
 * @param name            rule name, carried by its events
 * @param className       the defect class that counts, or null for any
 * @param cameras         cameras the rule watches; empty means all inspection cameras
 * @param minAreaMm2      smallest region that counts, mm^2 (the camera's {@code mm_per_pixel})
 * @param minCount        regions a frame needs to count as a hit
 * @param raiseFrames     hits in a row that raise
 * @param clearFrames     frames in a row without a hit that clear
 * @param cooldownSeconds quiet time after a clear before the rule may raise again
 */
public record DefectAlarmConfig(
        String name,
        @JsonProperty("class") String className,
        List<String> cameras,
        Double minAreaMm2,
        Integer minCount,
        Integer raiseFrames,
        Integer clearFrames,
        Double cooldownSeconds) {

    public DefectAlarmConfig {
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        minAreaMm2 = minAreaMm2 == null ? 0.0 : minAreaMm2;
        minCount = minCount == null ? 1 : minCount;
        raiseFrames = raiseFrames == null ? 2 : raiseFrames;
        clearFrames = clearFrames == null ? 5 : clearFrames;
        cooldownSeconds = cooldownSeconds == null ? 0.0 : cooldownSeconds;
        if (minAreaMm2 < 0 || minCount < 1 || raiseFrames < 1 || clearFrames < 1 || cooldownSeconds < 0) {
            throw new IllegalArgumentException("needs min_area_mm2 >= 0, min_count, raise_frames and clear_frames >= 1,"
                    + " cooldown_seconds >= 0");
        }
    }
}
