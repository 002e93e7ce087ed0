package io.linewatch.config;

import java.util.List;

/**
 * A state alarm on the regions of classification cameras: the summed probability of
 * {@code states} raises it once it has stayed at or above {@code raiseAt} for
 * {@code onDelaySeconds}, and clears it once it has stayed below {@code clearAt} for
 * {@code offDelaySeconds} (hysteresis: {@code clearAt <= raiseAt}); after a clear it does not raise
 * again within {@code cooldownSeconds}. Times are the frames' media time.
 *
 * @param name            rule name, carried by its events
 * @param states          the states that count (their probabilities are summed), in the model's names
 * @param cameras         cameras the rule watches; empty means every classification camera
 * @param regions         regions the rule watches; empty means every region of those cameras
 * @param raiseAt         probability at or above which the states count as present
 * @param onDelaySeconds  how long they must stay present to raise
 * @param clearAt         probability below which they count as gone
 * @param offDelaySeconds how long they must stay gone to clear
 * @param cooldownSeconds quiet time after a clear before the rule may raise again
 */
public record StateAlarmConfig(
        String name,
        List<String> states,
        List<String> cameras,
        List<String> regions,
        Double raiseAt,
        Double onDelaySeconds,
        Double clearAt,
        Double offDelaySeconds,
        Double cooldownSeconds) {

    public StateAlarmConfig {
        states = states == null ? List.of() : List.copyOf(states);
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        regions = regions == null ? List.of() : List.copyOf(regions);
        raiseAt = raiseAt == null ? 0.8 : raiseAt;
        clearAt = clearAt == null ? Math.min(0.5, raiseAt) : clearAt;
        onDelaySeconds = onDelaySeconds == null ? 1.0 : onDelaySeconds;
        offDelaySeconds = offDelaySeconds == null ? 2.0 : offDelaySeconds;
        cooldownSeconds = cooldownSeconds == null ? 0.0 : cooldownSeconds;
        if (!(raiseAt > 0 && raiseAt <= 1) || !(clearAt > 0 && clearAt <= raiseAt)) {
            throw new IllegalArgumentException("needs 0 < clear_at <= raise_at <= 1, got raise_at " + raiseAt
                    + ", clear_at " + clearAt);
        }
        if (onDelaySeconds < 0 || offDelaySeconds < 0 || cooldownSeconds < 0) {
            throw new IllegalArgumentException("needs on_delay_seconds, off_delay_seconds and cooldown_seconds >= 0");
        }
    }
}
