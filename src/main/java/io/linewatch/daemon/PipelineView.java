package io.linewatch.daemon;

import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.LatencyStats;
import io.linewatch.pipeline.StageStats;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.Outbox;
import java.util.List;

/**
 * What the servers that show a running daemon (the HTTP endpoint, the systemd watchdog, the command
 * line's summary) may see of its {@link Pipeline}: counters, states, timings and delivery. It offers
 * no start, stop or reload: those stay with the command that runs the daemon. Any thread; the values
 * are live.
 */
public interface PipelineView {

    /** A lane's ring: its slots, and the frames in it that its slowest stage has not finished. */
    record RingDepth(String lane, int slots, long depth) {
    }

    /** Per-camera counters, in config order. */
    List<CameraStats> stats();

    /** Time spent per stage, lane by lane. */
    List<StageStats> stageStats();

    /** Capture-to-publish latency of every frame that reached the alarm sinks. */
    LatencyStats latency();

    /** Age of each inferred frame (capture to the start of its engine call). */
    LatencyStats ageAtInference();

    /** The state of every camera's source, with its change notifications. */
    CameraStates cameraStates();

    /** Every lane's ring depth, now. */
    List<RingDepth> ringDepths();

    /** The MQTT outbox, or null when MQTT is off. */
    Outbox outbox();

    /** The MQTT publisher, or null when MQTT is off. */
    MqttPublisher mqtt();

    /** Each camera's live picture, encoded while someone watches; null when the pipeline has none. */
    default io.linewatch.pipeline.LiveFrames liveFrames() {
        return null;
    }

    /** Each thermal camera's hottest pixel over the last hour; null when the pipeline has none. */
    default io.linewatch.pipeline.ThermalTrend thermalTrend() {
        return null;
    }

    /** Each alarm rule's latest measure, per camera, as of its last inferred frame; null when the pipeline has none. */
    default io.linewatch.pipeline.RuleReadings ruleReadings() {
        return null;
    }

    /** Each inspection camera's last part verdict; null when the pipeline has none. */
    default io.linewatch.pipeline.PartVerdicts partVerdicts() {
        return null;
    }

    /** Every accepted alarm event, pushed as it is accepted; null when the pipeline has none. */
    default io.linewatch.pipeline.AlarmFeed alarmFeed() {
        return null;
    }

    /**
     * The one path by which the console and OPC UA acknowledge alarms (each acknowledgement published
     * once, and told to both); null when the pipeline has none.
     */
    default io.linewatch.sinks.Acknowledgements acknowledgements() {
        return null;
    }

    /**
     * A model's engine and whether its lane runs.
     *
     * @param model  the model's name in the config
     * @param engine the engine it runs on ({@code onnxruntime (cpu)}, {@code tensorrt (gpu)}), or the
     *               configured one when it did not start
     * @param health {@code running}, or {@code failed: } and why it did not start
     */
    record ModelState(String model, String engine, String health) {
    }

    /** Each model of the config, in start order, with its engine and health. */
    default List<ModelState> models() {
        return List.of();
    }

    /** The event log, or null for none. */
    default io.linewatch.sinks.EventLog eventLog() {
        return null;
    }

    /**
     * Adds a listener told of every accepted alarm event, after the event is journalled and logged:
     * on a lane's sink thread, so it must return at once (hand the event to a thread of its own).
     * Adding listeners does not change what the pipeline does; they cannot be removed.
     */
    default void subscribeAlarms(io.linewatch.sinks.AlarmSinkHandler.AlarmListener listener) {
        throw new UnsupportedOperationException("this view has no alarm feed");
    }

    /** The evidence clip writer (its folder's usage and deletions), or null when clips are off. */
    default io.linewatch.sinks.ClipWriter clips() {
        return null;
    }
}
