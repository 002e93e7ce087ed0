package io.linewatch.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of a part's verdict (schema {@code linewatch.verdict.v1}, {@code docs/schema/verdict.v1.json}),
 * as published on MQTT and written to the event log.
 */
public final class VerdictJson {

    public static final String SCHEMA = "linewatch.verdict.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private VerdictJson() {
    }

    /** One defect of a part: its track, class, largest area and box (see the README's verdicts). */
    public record Defect(int track, String className, double largestAreaMm2, float[] box, boolean inSnapshot,
                         int frames) {
    }

    /** What one verdict says. */
    public record Verdict(String id, String site, String node, String camera, int part, boolean nok, String ended,
                          long timeMillis, long firstMillis, long lastMillis, long firstFrame, long lastFrame,
                          int frames, float[] box, String snapshot, int width, int height, List<Defect> defects) {
    }

    public static String verdict(Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("id", v.id());
        m.put("site", v.site());
        m.put("node", v.node());
        m.put("camera", v.camera());
        m.put("part", v.part());
        m.put("verdict", v.nok() ? "nok" : "ok");
        m.put("ended", v.ended());
        m.put("time", Instant.ofEpochMilli(v.timeMillis()).toString());
        m.put("first_time", Instant.ofEpochMilli(v.firstMillis()).toString());
        m.put("last_time", Instant.ofEpochMilli(v.lastMillis()).toString());
        m.put("first_frame", v.firstFrame());
        m.put("last_frame", v.lastFrame());
        m.put("frames", v.frames());
        m.put("box", box(v.box()));
        m.put("snapshot", v.snapshot());
        m.put("frame_size", List.of(v.width(), v.height()));
        List<Map<String, Object>> defects = new ArrayList<>();
        for (Defect d : v.defects()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("track", d.track());
            o.put("class", d.className());
            o.put("area_mm2", Math.round(d.largestAreaMm2() * 100) / 100.0);
            o.put("box", box(d.box()));
            o.put("in_snapshot", d.inSnapshot());
            o.put("frames", d.frames());
            defects.add(o);
        }
        m.put("defects", defects);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(SCHEMA + " cannot be written as JSON", e);
        }
    }

    private static List<Double> box(float[] b) {
        return List.of(Math.round(b[0] * 10) / 10.0, Math.round(b[1] * 10) / 10.0, Math.round(b[2] * 10) / 10.0,
                Math.round(b[3] * 10) / 10.0);
    }
}
