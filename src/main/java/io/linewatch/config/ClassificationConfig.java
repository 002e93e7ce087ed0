package io.linewatch.config;

/**
 * How a classification model's scores become each region's decided state.
 *
 * @param stateHoldSeconds a region's decided state changes when another state has been the most
 *                         probable one for this long (media time); 0 follows every frame
 */
public record ClassificationConfig(Double stateHoldSeconds) {

    public ClassificationConfig {
        stateHoldSeconds = stateHoldSeconds == null ? 0.5 : stateHoldSeconds;
        if (!(stateHoldSeconds >= 0)) {
            throw new IllegalArgumentException("state_hold_seconds must be >= 0, got " + stateHoldSeconds);
        }
    }

    public static ClassificationConfig defaults() {
        return new ClassificationConfig(null);
    }
}
