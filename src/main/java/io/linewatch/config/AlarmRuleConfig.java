package io.linewatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A detection alarm. Per object (the default): each track of the class raises once, when it has
 * been in the zone for {@code minHits} frames and {@code minSeconds}; its alarm clears when the track
 * ends or leaves the zone. Per frame: raised after {@code raiseHits} frames with a hit among the
 * last {@code windowFrames}, cleared after {@code clearFrames} frames in a row without one, and not
 * raised again within {@code cooldownSeconds} of its last clear.
 *
 * @param name            rule name, carried by its events
 * @param className       the class that counts as a hit
 * @param minConfidence   the lowest score that counts as a hit
 * @param zone            optional polygon in source pixels {@code [[x, y], ...]}: a hit must have
 *                        its box centre inside
 * @param cameras         cameras the rule watches; empty means all
 * @param raiseHits       hits needed in the window
 * @param windowFrames    the window, in frames
 * @param clearFrames     frames without a hit that clear a raised alarm
 * @param cooldownSeconds quiet time after a clear before the rule may raise again
 * @param per             {@code object} (one alarm per track) or {@code frame} (hits over frames)
 * @param minHits         per object: frames with the track in the zone before it raises
 * @param minSeconds      per object: time the track must have been in the zone before it raises
 */
public record AlarmRuleConfig(
        String name,
        @JsonProperty("class") String className,
        Double minConfidence,
        List<List<Double>> zone,
        List<String> cameras,
        Integer raiseHits,
        Integer windowFrames,
        Integer clearFrames,
        Double cooldownSeconds,
        Per per,
        Integer minHits,
        Double minSeconds) {

    /** What the rule raises for. */
    public enum Per {
        /** One alarm per tracked object, for as long as its track lives in the zone. */
        OBJECT,
        /** An alarm episode over frames with hits, whoever the hits are. */
        FRAME
    }

    public AlarmRuleConfig {
        per = per == null ? Per.OBJECT : per;
        minHits = minHits == null ? 3 : minHits;
        minSeconds = minSeconds == null ? 0.0 : minSeconds;
        if (minHits < 1 || minSeconds < 0) {
            throw new IllegalArgumentException("needs min_hits >= 1 and min_seconds >= 0, got " + minHits + " and "
                    + minSeconds);
        }
        minConfidence = minConfidence == null ? 0.5 : minConfidence;
        zone = zone == null ? List.of() : List.copyOf(zone);
        cameras = cameras == null ? List.of() : List.copyOf(cameras);
        raiseHits = raiseHits == null ? 3 : raiseHits;
        windowFrames = windowFrames == null ? 5 : windowFrames;
        clearFrames = clearFrames == null ? 25 : clearFrames;
        cooldownSeconds = cooldownSeconds == null ? 0.0 : cooldownSeconds;
        if (raiseHits < 1 || windowFrames < raiseHits || windowFrames > 64) {
            throw new IllegalArgumentException(
                    "needs 1 <= raise_hits <= window_frames <= 64, got raise_hits " + raiseHits
                            + ", window_frames " + windowFrames);
        }
        if (clearFrames < 1 || cooldownSeconds < 0) {
            throw new IllegalArgumentException("needs clear_frames >= 1 and cooldown_seconds >= 0");
        }
        for (List<Double> point : zone) {
            if (point.size() != 2) {
                throw new IllegalArgumentException("zone points are [x, y] pairs");
            }
        }
        if (!zone.isEmpty() && zone.size() < 3) {
            throw new IllegalArgumentException("a zone needs at least 3 points");
        }
    }

    /** A per-frame rule (the behaviour before per-object rules). */
    public AlarmRuleConfig(String name, String className, Double minConfidence, List<List<Double>> zone,
                           List<String> cameras, Integer raiseHits, Integer windowFrames, Integer clearFrames,
                           Double cooldownSeconds) {
        this(name, className, minConfidence, zone, cameras, raiseHits, windowFrames, clearFrames, cooldownSeconds,
                Per.FRAME, null, null);
    }

    /** This rule without its camera list: what decides its behaviour on one camera. */
    public AlarmRuleConfig withoutCameras() {
        return new AlarmRuleConfig(name, className, minConfidence, zone, null, raiseHits, windowFrames, clearFrames,
                cooldownSeconds, per, minHits, minSeconds);
    }
}
