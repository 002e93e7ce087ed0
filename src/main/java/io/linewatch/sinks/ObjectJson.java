package io.linewatch.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of object lifecycle messages (schema {@code linewatch.object.v1},
 * {@code docs/schema/object.v1.json}) and of counting lines ({@code linewatch.count.v1},
 * {@code docs/schema/count.v1.json}), as published on MQTT.
 */
public final class ObjectJson {

    public static final String OBJECT_SCHEMA = "linewatch.object.v1";
    public static final String COUNT_SCHEMA = "linewatch.count.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ObjectJson() {
    }

    /** What one object message says: see the README's object events. */
    public record ObjectMessage(String id, String type, String site, String node, String camera, int track, String className,
                                long timeMillis, long frame, long firstMillis, long lastMillis, long firstFrame,
                                long lastFrame, int frames, float score, float[] box, float bestScore,
                                float[] bestBox, long bestMillis, String snapshot, int width, int height) {
    }

    public static String object(ObjectMessage o) {
        return object(o, false, null);
    }

    /**
     * The message with a {@code clip} field when {@code withClip} (a {@code new} message with clips
     * on): where its clip will be and the span planned, or null when the camera keeps no packets.
     */
    public static String object(ObjectMessage o, boolean withClip, ClipWriter.Planned clip) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", OBJECT_SCHEMA);
        m.put("id", o.id());
        m.put("type", o.type());
        m.put("site", o.site());
        m.put("node", o.node());
        m.put("camera", o.camera());
        m.put("track", o.track());
        m.put("class", o.className());
        m.put("time", Instant.ofEpochMilli(o.timeMillis()).toString());
        m.put("frame", o.frame());
        m.put("first_time", Instant.ofEpochMilli(o.firstMillis()).toString());
        m.put("last_time", Instant.ofEpochMilli(o.lastMillis()).toString());
        m.put("first_frame", o.firstFrame());
        m.put("last_frame", o.lastFrame());
        m.put("frames", o.frames());
        m.put("score", round(o.score(), 4));
        m.put("box", box(o.box()));
        m.put("best_score", round(o.bestScore(), 4));
        m.put("best_box", box(o.bestBox()));
        m.put("best_time", Instant.ofEpochMilli(o.bestMillis()).toString());
        m.put("snapshot", o.snapshot());
        m.put("frame_size", List.of(o.width(), o.height()));
        if (withClip) {
            m.put("clip", clip == null ? null : clip.fields());
        }
        return write(m);
    }

    /** A counting line's counts so far, by class, and the rate per minute over the last minute. */
    public static String count(Identity identity, String camera, String counter, long timeMillis, Map<String, Long> counts,
                               Map<String, Double> perMinute) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", COUNT_SCHEMA);
        m.put("site", identity.site());
        m.put("node", identity.node());
        m.put("camera", camera);
        m.put("counter", counter);
        m.put("time", Instant.ofEpochMilli(timeMillis).toString());
        m.put("counts", counts);
        Map<String, Double> rates = new LinkedHashMap<>();
        perMinute.forEach((k, v) -> rates.put(k, Math.round(v * 100) / 100.0));
        m.put("per_minute", rates);
        return write(m);
    }

    private static List<Double> box(float[] b) {
        return List.of(round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1));
    }

    private static double round(float v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    private static String write(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(m.get("schema") + " cannot be written as JSON", e);
        }
    }
}
