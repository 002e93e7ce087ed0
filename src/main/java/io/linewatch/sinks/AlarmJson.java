package io.linewatch.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.AlarmEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON form of an alarm event, the same on MQTT and in the event log (schema
 * {@code linewatch.alarm.v1}, documented in the README).
 */
public final class AlarmJson {

    public static final String SCHEMA = "linewatch.alarm.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlarmJson() {
    }

    /**
     * One line of JSON with the event's {@code clip} (path, start, end: the media it will cover, as
     * times of the event's clock), or {@code "clip":null} when none is written for it.
     */
    public static String toJson(AlarmEvent e, String snapshot, ClipWriter.Planned clip) {
        String json = toJson(e, snapshot);
        String part;
        if (clip == null) {
            part = "\"clip\":null";
        } else {
            try {
                part = "\"clip\":" + JSON.writeValueAsString(clip.fields());
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return json.substring(0, json.length() - 1) + "," + part + "}";
    }

    /** One line of JSON; {@code snapshot} is the snapshot's path, or null when there is none. */
    public static String toJson(AlarmEvent e, String snapshot) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("id", e.id());
        m.put("type", e.type().name().toLowerCase(Locale.ROOT));
        m.put("site", e.site());
        m.put("node", e.node());
        m.put("camera", e.camera());
        m.put("seq", e.seq());
        m.put("time", e.time().toString());
        m.put("frame", e.frameNumber());
        m.put("rule", e.rule());
        if (e.detail() instanceof AlarmEvent.DetectionDetail d) {
            m.put("task", "detection");
            m.put("class", d.className());
            m.put("score", round(d.score(), 4));
            float[] b = d.box();
            m.put("box", List.of(round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1)));
            if (d.trackId() > 0) {
                m.put("track", d.trackId());
            }
        } else if (e.detail() instanceof AlarmEvent.ThermalDetail t) {
            putThermal(m, t);
        } else if (e.detail() instanceof AlarmEvent.DefectDetail d) {
            m.put("task", "segmentation");
            m.put("class", d.className());
            m.put("count", d.count());
            m.put("regions", d.regions().stream().map(AlarmJson::region).toList());
        } else if (e.detail() instanceof AlarmEvent.StateDetail d) {
            putState(m, d);
        }
        m.put("frame_size", List.of(e.frameWidth(), e.frameHeight()));
        m.put("snapshot", snapshot);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("alarm event cannot be written as JSON", ex);
        }
    }

    /**
     * The notice sent when the outbox refused alarms of a camera: type {@code overflow}, the camera,
     * the time of the notice, {@code refused} (the camera's alarms refused in all, over restarts) and
     * {@code last_refused_seq}. Carries no {@code seq}: the refused numbers are the gap.
     */
    public static String overflow(Identity identity, String camera, java.time.Instant time, long refusedTotal,
                                  long lastRefusedSeq, String outboxDir) {
        Map<String, Object> m = notice(identity, "overflow", camera, time);
        m.put("refused", refusedTotal);
        m.put("last_refused_seq", lastRefusedSeq);
        m.put("outbox", outboxDir);
        return write(m);
    }

    /**
     * An operator acknowledged an alarm (over OPC UA or in the console; {@link Acknowledgements}): type {@code acknowledged}, the camera and
     * rule, the id and {@code seq} of the raised event acknowledged, who ({@code user}), their
     * {@code comment}, where from ({@code via}) and when. Carries no {@code seq} of its own: it is not
     * a state change of the alarm.
     */
    public static String acknowledged(Identity identity, String camera, String rule, String alarmId, long alarmSeq,
                                      String user, String comment, String via, java.time.Instant time) {
        Map<String, Object> m = notice(identity, "acknowledged", camera, time);
        m.put("rule", rule);
        m.put("alarm_id", alarmId);
        m.put("alarm_seq", alarmSeq);
        m.put("user", user);
        m.put("comment", comment);
        m.put("via", via);
        return write(m);
    }

    /**
     * The event-log line of an alarm the outbox refused: type {@code refused}, and the alarm's id as
     * {@code refused_id} (not {@code id}), so no reader of the log takes it for an alarm.
     */
    public static String refused(AlarmEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("type", "refused");
        m.put("refused_id", e.id());
        m.put("refused_type", e.type().name().toLowerCase(Locale.ROOT));
        m.put("site", e.site());
        m.put("node", e.node());
        m.put("camera", e.camera());
        m.put("seq", e.seq());
        m.put("time", e.time().toString());
        m.put("rule", e.rule());
        return write(m);
    }

    /**
     * The fields every notice that is not an alarm state change starts with: schema, a fresh id, its
     * type, site, node, camera and time, in that order.
     */
    private static Map<String, Object> notice(Identity identity, String type, String camera, java.time.Instant time) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("id", java.util.UUID.randomUUID().toString());
        m.put("type", type);
        m.put("site", identity.site());
        m.put("node", identity.node());
        m.put("camera", camera);
        m.put("time", time.toString());
        return m;
    }

    private static String write(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(m.get("type") + " cannot be written as JSON", ex);
        }
    }

    private static Map<String, Object> region(AlarmEvent.DefectDetail.Region r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", r.className());
        m.put("area_px", round(r.areaPx(), 1));
        m.put("area_mm2", round(r.areaMm2(), 2));
        float[] b = r.box();
        m.put("box", List.of(round(b[0], 1), round(b[1], 1), round(b[2], 1), round(b[3], 1)));
        m.put("mean_probability", round(r.meanProbability(), 4));
        return m;
    }

    /** The region, the rule's states and probability, the most probable state and the map's peak. */
    private static void putState(Map<String, Object> m, AlarmEvent.StateDetail d) {
        m.put("task", "classification");
        m.put("region", d.region());
        int[] b = d.box();
        m.put("box", List.of(b[0], b[1], b[2], b[3]));
        m.put("states", d.states());
        m.put("probability", round(d.probability(), 4));
        m.put("state", d.state());
        m.put("state_probability", round(d.stateProbability(), 4));
        m.put("cam_peak", Float.isNaN(d.peakX()) ? null : List.of(round(d.peakX(), 1), round(d.peakY(), 1)));
    }

    /** Temperatures in the camera's unit (2 decimals), positions in source pixels, the calibration used. */
    private static void putThermal(Map<String, Object> m, AlarmEvent.ThermalDetail t) {
        m.put("task", "thermal");
        m.put("zone", t.zone());
        if (!t.polygon().isEmpty()) {
            m.put("zone_polygon", t.polygon());
        }
        m.put("measure", t.measure());
        m.put("value", round(t.value(), 2));
        m.put("max", round(t.max(), 2));
        m.put("avg", round(t.avg(), 2));
        m.put("min", round(t.min(), 2));
        m.put("unit", t.unit());
        m.put("hotspot", Float.isNaN(t.hotspotX()) ? null : List.of(round(t.hotspotX(), 1), round(t.hotspotY(), 1)));
        m.put("rate_k_per_min", Double.isNaN(t.rateKPerMin()) ? null : round(t.rateKPerMin(), 3));
        Map<String, Object> cal = new LinkedHashMap<>();
        cal.put("scale_k_per_count", t.calibration().scaleKPerCount());
        cal.put("offset_k", t.calibration().offsetK());
        cal.put("emissivity", t.calibration().emissivity());
        cal.put("reflected_c", t.calibration().reflectedC());
        m.put("calibration", cal);
    }

    private static Double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return null;
        }
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    private static double round(float v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
