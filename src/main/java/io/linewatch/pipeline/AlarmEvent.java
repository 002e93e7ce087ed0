package io.linewatch.pipeline;

import java.time.Instant;

/**
 * One alarm state change, as published. Made only when an alarm is raised or cleared.
 *
 * @param id          unique id (consumers drop duplicates by it)
 * @param type        raised or cleared
 * @param site        site name
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
     */
    public record DetectionDetail(String className, float score, float[] box) implements Detail {
    }
}
