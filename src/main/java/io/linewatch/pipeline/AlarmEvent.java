package io.linewatch.pipeline;

import io.linewatch.config.ThermalCameraConfig;
import java.time.Instant;
import java.util.List;

/**
 * One alarm state change, as published. Made only when an alarm is raised or cleared.
 *
 * @param id          unique id (consumers drop duplicates by it)
 * @param type        raised or cleared
 * @param site        site name
 * @param node        the node (box) that raised it
 * @param camera      camera id
 * @param seq         per-camera sequence number, from 1, no gaps
 * @param time        UTC time of the frame that changed the state
 * @param frameNumber frame number in the camera's source
 * @param rule        rule name
 * @param frameWidth  source frame width
 * @param frameHeight source frame height
 * @param detail      what the rule's task adds: the detection, temperatures or defects that decided
 */
public record AlarmEvent(
        String id,
        Type type,
        String site,
        String node,
        String camera,
        long seq,
        Instant time,
        long frameNumber,
        String rule,
        int frameWidth,
        int frameHeight,
        Detail detail) {

    /** Alarm state changes. */
    public enum Type { RAISED, CLEARED }

    /** The task-specific part of an event, written by the rule that changed state. */
    public interface Detail {
    }

    /**
     * A detection rule's part.
     *
     * @param className detected class
     * @param score     score of the detection that decided (the best hit in the frame)
     * @param box       {@code [x1, y1, x2, y2]} in source pixels
     * @param trackId   the detection's track id, 0 when it has none
     */
    public record DetectionDetail(String className, float score, float[] box, int trackId) implements Detail {

        /** A detection without a track. */
        public DetectionDetail(String className, float score, float[] box) {
            this(className, score, box, 0);
        }
    }

    /**
     * A defect rule's part: the regions that made the deciding frame a hit (for {@code cleared},
     * those of the last hit).
     *
     * @param className the rule's class, or null when any class counts
     * @param regions   the deciding regions, largest first
     */
    public record DefectDetail(String className, List<Region> regions) implements Detail {

        public DefectDetail {
            regions = List.copyOf(regions);
        }

        /** How many regions decided. */
        public int count() {
            return regions.size();
        }

        /**
         * One defect region.
         *
         * @param className       its class
         * @param areaPx          area in source pixels
         * @param areaMm2         area on the surface, mm^2
         * @param box             {@code [x1, y1, x2, y2]} in source pixels
         * @param meanProbability mean probability of its class over its pixels
         */
        public record Region(String className, float areaPx, float areaMm2, float[] box, float meanProbability) {
        }
    }

    /**
     * A temperature rule's part; temperatures in {@code unit}.
     *
     * @param zone        the zone's name, or {@code frame} for the whole frame
     * @param polygon     the zone in source pixels, {@code [[x, y], ...]}; empty for the whole frame
     * @param measure     the temperature the rule compares: {@code max}, {@code avg} or {@code min}
     * @param value       that temperature
     * @param max         the zone's hottest calibrated pixel (whole frame: the model's max, a
     *                    denoised estimate)
     * @param avg         the zone's average (whole frame: the model's)
     * @param min         the zone's coldest pixel (whole frame: the model's)
     * @param hotspotX    source pixels: the zone's hottest pixel centre, or for the whole frame the
     *                    hottest hotspot (its hottest pixel when the model finds none); NaN if none
     * @param hotspotY    see {@code hotspotX}
     * @param rateKPerMin the measure's rate of rise over the rule's window, K (= degC) per minute;
     *                    NaN until samples cover the window
     * @param calibration the camera's calibration: counts to kelvin, emissivity, reflected temperature
     * @param unit        {@code celsius} or {@code kelvin}
     */
    public record ThermalDetail(String zone, List<List<Double>> polygon, String measure, double value, double max,
                                double avg, double min, float hotspotX, float hotspotY, double rateKPerMin,
                                ThermalCameraConfig calibration, String unit) implements Detail {
    }

    /**
     * A state rule's part: the region, the rule's states and their summed probability at the frame
     * that raised (or cleared), and where the most probable state's class-activation map peaks.
     *
     * @param region      the region's name ({@code frame} for the whole frame)
     * @param box         the region, {@code [x1, y1, x2, y2]} in source pixels
     * @param states      the rule's states
     * @param probability their summed probability at the deciding frame
     * @param state       the region's most probable state at that frame
     * @param stateProbability that state's probability
     * @param peakX       source pixels: the map's peak (the centre of its cell); NaN when the model
     *                    exports no map
     * @param peakY       see {@code peakX}
     */
    public record StateDetail(String region, int[] box, List<String> states, float probability, String state,
                              float stateProbability, float peakX, float peakY) implements Detail {

        public StateDetail {
            states = List.copyOf(states);
        }
    }
}
