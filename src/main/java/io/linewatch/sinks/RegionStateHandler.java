package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.ClassificationCameraConfig;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.ClassResult;
import io.linewatch.pipeline.FrameEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sink stage of a classification lane, beside the alarm sinks: at every change of a region's
 * decided state (and at its first frame) publishes the new state on the region's retained topic
 * ({@code linewatch/<site>/<node>/<camera>/regions/<region>}, schema {@code linewatch.region_state.v1}:
 * site, node, camera, region, state, probability, probabilities of all states, frame, time). Reads
 * the slot's {@link ClassResult}; frames without a change allocate nothing.
 */
public final class RegionStateHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "region-state";
    public static final String SCHEMA = "linewatch.region_state.v1";

    private final Identity identity;
    private final ClassificationCameraConfig[] cameras;
    private final List<String> states;
    private final MqttPublisher mqtt;

    /** @param cameras each camera's regions, by camera index (null for cameras of other lanes) */
    public RegionStateHandler(Identity identity, ClassificationCameraConfig[] cameras, List<String> states,
                              MqttPublisher mqtt) {
        this.identity = identity;
        this.cameras = cameras.clone();
        this.states = List.copyOf(states);
        this.mqtt = mqtt;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (event.skipped() || !event.inferred) {
            return;
        }
        ClassResult c = event.classes;
        for (int r = 0; r < c.regions(); r++) {
            if (c.changed[r]) {
                String region = cameras[event.cameraIndex].regionName(r);
                mqtt.publishRegionState(event.cameraId, region, toJson(event, r, region));
            }
        }
    }

    private String toJson(FrameEvent event, int r, String region) {
        ClassResult c = event.classes;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("site", identity.site());
        m.put("node", identity.node());
        m.put("camera", event.cameraId);
        m.put("region", region);
        m.put("state", states.get(c.decided[r]));
        m.put("probability", Math.round(c.probability(r, c.decided[r]) * 1e4) / 1e4);
        Map<String, Object> all = new LinkedHashMap<>();
        for (int s = 0; s < states.size(); s++) {
            all.put(states.get(s), Math.round(c.probability(r, s) * 1e4) / 1e4);
        }
        m.put("probabilities", all);
        m.put("frame", event.frameNumber);
        m.put("time", Instant.ofEpochMilli(event.captureEpochMillis).toString());
        try {
            return JSON.writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("region state cannot be written as JSON", e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
}
