package io.linewatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A temperature alarm on thermal cameras, per zone: raised when the zone's measure reaches
 * {@code raiseAtC} (or rises faster than {@code rateOfRiseKPerMin}) for {@code onDelaySeconds},
 * cleared when it is below {@code clearAtC} (and the rise has slowed) for {@code offDelaySeconds},
 * and not raised again within {@code cooldownSeconds} of its clear.
 *
 * @param name              rule name, carried by its events
 * @param cameras           cameras the rule watches; empty means all thermal cameras
 * @param zone              optional polygon in source pixels {@code [[x, y], ...]}; the whole frame
 *                          when absent
 * @param zoneName          the zone's name in events; the rule's name when absent (a whole-frame
 *                          rule's zone is {@code frame})
 * @param measure           which zone temperature is compared: max, avg or min
 * @param raiseAtC          raise at or above this, degrees Celsius (null: no level alarm)
 * @param clearAtC          clear below this, degrees Celsius; at most {@code raiseAtC}
 * @param rateOfRiseKPerMin raise when the measure rises at least this fast (null: no rate alarm)
 * @param rateWindowSeconds the window the rate of rise is measured over
 * @param onDelaySeconds    the condition must hold this long before the alarm is raised
 * @param offDelaySeconds   the clear condition must hold this long before the alarm is cleared
 * @param cooldownSeconds   quiet time after a clear before the rule may raise again
 */
public record TemperatureAlarmConfig(
        String name,
        List<String> cameras,
        List<List<Double>> zone,
        String zoneName,
        Measure measure,
        Double raiseAtC,
        Double clearAtC,
        @JsonProperty("rate_of_rise_k_per_min") Double rateOfRiseKPerMin,
        Double rateWindowSeconds,
        Double onDelaySeconds,
        Double offDelaySeconds,
        Double cooldownSeconds) {

    /** Zone temperatures a rule can watch. */
    public enum Measure { MAX, AVG, MIN }

    public TemperatureAlarmConfig {
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        zone = zone == null ? List.of() : List.copyOf(zone);
        if (zoneName != null && zone.isEmpty()) {
            throw new IllegalArgumentException("zone_name names a zone: give the zone too");
        }
        zoneName = zone.isEmpty() ? "frame" : zoneName == null ? name : zoneName;
        measure = measure == null ? Measure.MAX : measure;
        clearAtC = clearAtC == null ? raiseAtC : clearAtC;
        rateWindowSeconds = rateWindowSeconds == null ? 60.0 : rateWindowSeconds;
        onDelaySeconds = onDelaySeconds == null ? 0.0 : onDelaySeconds;
        offDelaySeconds = offDelaySeconds == null ? 0.0 : offDelaySeconds;
        cooldownSeconds = cooldownSeconds == null ? 0.0 : cooldownSeconds;
        if (raiseAtC == null && rateOfRiseKPerMin == null) {
            throw new IllegalArgumentException("needs raise_at_c or rate_of_rise_k_per_min (or both)");
        }
        if (raiseAtC != null && clearAtC > raiseAtC) {
            throw new IllegalArgumentException("clear_at_c (" + clearAtC + ") must not be above raise_at_c ("
                    + raiseAtC + ")");
        }
        if (rateOfRiseKPerMin != null && !(rateOfRiseKPerMin > 0)) {
            throw new IllegalArgumentException("rate_of_rise_k_per_min must be > 0, got " + rateOfRiseKPerMin);
        }
        if (!(rateWindowSeconds > 0) || onDelaySeconds < 0 || offDelaySeconds < 0 || cooldownSeconds < 0) {
            throw new IllegalArgumentException("needs rate_window_seconds > 0 and delays and cooldown >= 0");
        }
        for (List<Double> point : zone) {
            if (point == null || point.size() != 2) {
                throw new IllegalArgumentException("zone points are [x, y] pairs");
            }
        }
        if (!zone.isEmpty() && zone.size() < 3) {
            throw new IllegalArgumentException("a zone needs at least 3 points");
        }
    }

    /** True when the rule watches a polygon, false for the whole frame. */
    public boolean zoned() {
        return !zone.isEmpty();
    }
}
