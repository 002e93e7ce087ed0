package io.linewatch.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linewatch.daemon.PipelineView;
import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import java.util.Locale;

/**
 * {@code GET /api/status}: what the page shows beside the pictures, read from the view now. Per
 * camera its state (and why), frames in, inferred, dropped and alarms raised (the page turns
 * successive counts into fps); health: the broker, the outbox's depth, each model's engine and
 * health, each lane's ring, the latency, the snapshots' and clips' disk use; the user and whether
 * they may write, and whether they came with a login session (the page then offers a logout).
 */
final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {
    }

    static String render(PipelineView view, DiskUse snapshots, String site, String user, boolean mayWrite,
                         boolean session) {
        ObjectNode root = JSON.createObjectNode();
        root.put("site", site);
        root.put("user", user);
        root.put("mayWrite", mayWrite);
        root.put("session", session);
        root.put("nowMillis", System.currentTimeMillis());
        ArrayNode cameras = root.putArray("cameras");
        for (CameraStats s : view.stats()) {
            ObjectNode c = cameras.addObject();
            c.put("id", s.cameraId);
            CameraStates.Entry state = view.cameraStates().get(s.cameraId);
            c.put("state", state == null ? "unknown" : state.state().name().toLowerCase(Locale.ROOT));
            c.put("reason", state == null ? "" : state.reason());
            c.put("framesIn", s.framesIn.get());
            c.put("inferred", s.inferred.get());
            c.put("dropped", s.dropped());
            c.put("alarms", s.alarmsRaised.get());
        }
        health(root.putObject("health"), view, snapshots);
        return root.toString();
    }

    private static void health(ObjectNode h, PipelineView view, DiskUse snapshots) {
        if (view.mqtt() == null) {
            h.put("broker", "off");
        } else {
            h.put("broker", view.mqtt().sessionTakenOver() ? "taken over"
                    : view.mqtt().isConnected() ? "connected" : "disconnected");
        }
        if (view.outbox() != null) {
            h.put("outboxMessages", view.outbox().waitingCount());
            h.put("outboxBytes", view.outbox().waitingBytes());
            h.put("outboxError", view.outbox().lastError());
        }
        if (view.clips() != null) {
            h.put("clipsBytes", view.clips().store().usedBytes.get());
            h.put("clipsMaxBytes", view.clips().store().maxBytes());
        }
        h.put("snapshotsBytes", snapshots.bytes());
        ArrayNode models = h.putArray("models");
        for (PipelineView.ModelState m : view.models()) {
            models.addObject().put("model", m.model()).put("engine", m.engine()).put("health", m.health());
        }
        ArrayNode lanes = h.putArray("lanes");
        for (PipelineView.RingDepth ring : view.ringDepths()) {
            lanes.addObject().put("lane", ring.lane()).put("slots", ring.slots()).put("depth", ring.depth());
        }
        org.HdrHistogram.Histogram latency = view.latency().snapshot();
        h.put("latencyP50Millis", latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(50) / 1e6);
        h.put("latencyP99Millis", latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(99) / 1e6);
    }
}
