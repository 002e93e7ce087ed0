package io.linewatch.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.SourceState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The JSON of a camera's retained state topic (schema {@code linewatch.state.v1}, in the README). */
final class StateJson {

    static final String SCHEMA = "linewatch.state.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateJson() {
    }

    static String toJson(Identity identity, String camera, SourceState state, String reason, long sinceEpochMillis) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("site", identity.site());
        m.put("node", identity.node());
        m.put("camera", camera);
        m.put("state", state.name().toLowerCase(Locale.ROOT));
        m.put("reason", reason == null ? "" : reason);
        m.put("since", Instant.ofEpochMilli(sinceEpochMillis).toString());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("state cannot be written as JSON", e);
        }
    }
}
