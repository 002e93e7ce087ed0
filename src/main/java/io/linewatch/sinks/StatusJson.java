package io.linewatch.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON of a daemon's retained status topic (schema {@code linewatch.status.v1}, in the README):
 * its site and node, each camera's state and alarms active, the alarms active in all and the
 * messages waiting in the outbox, as of {@code time}. What {@code linewatch site} lists per box.
 */
final class StatusJson {

    static final String SCHEMA = "linewatch.status.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {
    }

    static String toJson(Identity identity, List<CameraStats> stats, CameraStates states, int outboxWaiting,
                         Instant time) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("site", identity.site());
        m.put("node", identity.node());
        m.put("time", time.toString());
        long active = 0;
        List<Map<String, Object>> cameras = new java.util.ArrayList<>();
        for (CameraStats s : stats) {
            long cameraActive = Math.max(0, s.alarmsRaised.get() - s.alarmsCleared.get());
            active += cameraActive;
            CameraStates.Entry e = states.get(s.cameraId);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("camera", s.cameraId);
            c.put("state", e == null ? "unknown" : e.state().name().toLowerCase(Locale.ROOT));
            c.put("alarms_active", cameraActive);
            cameras.add(c);
        }
        m.put("alarms_active", active);
        m.put("outbox_waiting", outboxWaiting);
        m.put("cameras", cameras);
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status cannot be written as JSON", e);
        }
    }
}
