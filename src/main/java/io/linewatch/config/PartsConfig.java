package io.linewatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One verdict per part on an inspection camera: parts (panels) are found in the frame as regions
 * brighter than the belt, tracked across frames, and judged when they leave the view.
 *
 * @param zone            where parts are found, {@code [x1, y1, x2, y2]} in source pixels (the
 *                        belt between its rails); null: the whole frame
 * @param minBrightness   a 4x4 block belongs to a part when the mean of its pixels' brightest
 *                        channel reaches this (0-255; the belt is darker)
 * @param minAreaPx       smallest part kept, source pixels (box area)
 * @param trackBuffer     frames a part may be missed before it counts as gone
 * @param minDefectFrames frames a defect must be seen on a part before it counts (one-frame
 *                        false regions are dropped)
 * @param maxParts        most parts in view at once
 * @param nok             rules that make a part {@code nok}; empty: any defect does
 * @param lineX           a part is judged when its left edge passes this x (source pixels; the belt
 *                        runs left to right) instead of when it leaves the view; null: when it leaves
 */
public record PartsConfig(
        List<Double> zone,
        Integer minBrightness,
        Integer minAreaPx,
        Integer trackBuffer,
        Integer minDefectFrames,
        Integer maxParts,
        List<Rule> nok,
        Double lineX) {

    public PartsConfig {
        if (zone != null && (zone.size() != 4 || zone.stream().anyMatch(v -> v == null))) {
            throw new IllegalArgumentException("zone needs four numbers [x1, y1, x2, y2], got " + zone);
        }
        zone = zone == null ? null : List.copyOf(zone);
        minBrightness = minBrightness == null ? 70 : minBrightness;
        minAreaPx = minAreaPx == null ? 2000 : minAreaPx;
        trackBuffer = trackBuffer == null ? 2 : trackBuffer;
        minDefectFrames = minDefectFrames == null ? 3 : minDefectFrames;
        maxParts = maxParts == null ? 8 : maxParts;
        nok = nok == null ? List.of() : List.copyOf(nok);
        if (zone != null && (zone.get(2) <= zone.get(0)
                || zone.get(3) <= zone.get(1))) {
            throw new IllegalArgumentException("zone needs [x1, y1, x2, y2] with x2 > x1 and y2 > y1, got " + zone);
        }
        if (minBrightness < 0 || minBrightness > 255 || minAreaPx < 16 || trackBuffer < 0 || minDefectFrames < 1
                || maxParts < 1 || maxParts > 64) {
            throw new IllegalArgumentException("needs min_brightness within 0..255, min_area_px >= 16, track_buffer >= 0,"
                    + " min_defect_frames >= 1 and max_parts within 1..64");
        }
    }

    /** Parts judged when they leave the view. */
    public PartsConfig(List<Double> zone, Integer minBrightness, Integer minAreaPx, Integer trackBuffer,
                       Integer minDefectFrames, Integer maxParts, List<Rule> nok) {
        this(zone, minBrightness, minAreaPx, trackBuffer, minDefectFrames, maxParts, nok, null);
    }

    /**
     * A part is {@code nok} when it carries at least {@code minCount} defects of the class (any
     * class when absent) whose largest area reached {@code minAreaMm2}.
     */
    public record Rule(@JsonProperty("class") String className, Double minAreaMm2, Integer minCount) {

        public Rule {
            minAreaMm2 = minAreaMm2 == null ? 0.0 : minAreaMm2;
            minCount = minCount == null ? 1 : minCount;
            if (minAreaMm2 < 0 || minCount < 1) {
                throw new IllegalArgumentException("a nok rule needs min_area_mm2 >= 0 and min_count >= 1");
            }
        }
    }
}
