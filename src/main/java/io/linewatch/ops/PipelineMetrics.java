package io.linewatch.ops;

import io.linewatch.daemon.PipelineView;
import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.LatencyStats;
import io.linewatch.pipeline.SourceState;
import io.linewatch.pipeline.StageStats;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.Outbox;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The pipeline's counters as Prometheus metrics, read on each scrape from the live counters
 * ({@link CameraStats}, {@link StageStats}, the camera states, the outbox and the MQTT publisher).
 * Called from the HTTP server's thread; reads only.
 */
final class PipelineMetrics {

    private PipelineMetrics() {
    }

    static String render(PipelineView pipeline) {
        PrometheusText t = new PrometheusText();
        cameras(t, pipeline.stats());
        states(t, pipeline.stats(), pipeline.cameraStates());
        summary(t, "linewatch_frame_age_at_inference_seconds",
                "Age of a frame (capture to inference) when it was inferred.", pipeline.ageAtInference());
        summary(t, "linewatch_capture_to_publish_seconds",
                "Time from a frame's capture to the end of its alarm stage.", pipeline.latency());
        stages(t, pipeline.stageStats());
        rings(t, pipeline.ringDepths());
        mqtt(t, pipeline.outbox(), pipeline.mqtt());
        clips(t, pipeline.clips());
        jvm(t);
        return t.toString();
    }

    private static void cameras(PrometheusText t, List<CameraStats> stats) {
        counter(t, stats, "linewatch_frames_in_total", "Frames read from the camera's source.", s -> s.framesIn);
        counter(t, stats, "linewatch_frames_inferred_total", "Frames that went through inference.", s -> s.inferred);
        t.family("linewatch_frames_dropped_total", "counter",
                "Frames dropped before inference, by reason; frames in = inferred + skipped + dropped.");
        for (CameraStats s : stats) {
            drop(t, s, "ring_full", s.droppedRingFull);
            drop(t, s, "backlog", s.droppedBacklog);
            drop(t, s, "too_large", s.droppedTooLarge);
            drop(t, s, "too_old", s.droppedTooOld);
            drop(t, s, "decode_error", s.droppedDecodeError);
            drop(t, s, "failed", s.failed);
        }
        t.family("linewatch_frames_skipped_total", "counter",
                "Frames decoded but not inferred by the camera's choice, by reason: rate (infer_fps), still (motion gate).");
        for (CameraStats s : stats) {
            t.sample("linewatch_frames_skipped_total", s.skippedRate.get(), "camera", s.cameraId, "reason", "rate");
            t.sample("linewatch_frames_skipped_total", s.skippedStill.get(), "camera", s.cameraId, "reason", "still");
        }
        counter(t, stats, "linewatch_frames_failed_after_inference_total",
                "Inferred frames a later stage failed on.", s -> s.failedAfterInference);
        counter(t, stats, "linewatch_detections_total", "Detections kept after NMS.", s -> s.detections);
        counter(t, stats, "linewatch_alarms_raised_total", "Alarms raised.", s -> s.alarmsRaised);
        counter(t, stats, "linewatch_alarms_cleared_total", "Alarms cleared.", s -> s.alarmsCleared);
        counter(t, stats, "linewatch_camera_stalls_total", "Times a live camera stalled.", s -> s.stalls);
        counter(t, stats, "linewatch_camera_reconnects_total", "Reconnection attempts of a live camera.",
                s -> s.reconnects);
        lineCrossings(t, stats);
    }

    /** Tracks counted by the counting lines, by camera, line and class (only when a camera has lines). */
    private static void lineCrossings(PrometheusText t, List<CameraStats> stats) {
        if (stats.stream().allMatch(s -> s.lineCrossings.isEmpty())) {
            return;
        }
        t.family("linewatch_line_crossings_total", "counter", "Tracks a counting line counted, by line and class.");
        for (CameraStats s : stats) {
            s.lineCrossings.entrySet().stream()
                    .sorted(java.util.Comparator.comparing((java.util.Map.Entry<CameraStats.LineClass, AtomicLong> e)
                            -> e.getKey().counter()).thenComparing(e -> e.getKey().className()))
                    .forEach(e -> t.sample("linewatch_line_crossings_total", e.getValue().get(), "camera", s.cameraId,
                            "counter", e.getKey().counter(), "class", e.getKey().className()));
        }
    }

    private static void states(PrometheusText t, List<CameraStats> stats, CameraStates states) {
        t.family("linewatch_camera_state", "gauge", "1 for the state the camera's source is in, else 0.");
        for (CameraStats s : stats) {
            CameraStates.Entry current = states.get(s.cameraId);
            for (SourceState state : SourceState.values()) {
                t.sample("linewatch_camera_state", current != null && current.state() == state ? 1 : 0,
                        "camera", s.cameraId, "state", state.name().toLowerCase(Locale.ROOT));
            }
        }
    }

    private static void summary(PrometheusText t, String name, String help, LatencyStats stats) {
        Histogram h = stats.snapshot();
        t.family(name, "summary", help);
        for (double q : new double[] {0.5, 0.99, 0.999}) {
            t.sample(name, h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(q * 100) / 1e9,
                    "quantile", Double.toString(q));
        }
        t.sample(name + "_sum", h.getMean() * h.getTotalCount() / 1e9);
        t.sample(name + "_count", h.getTotalCount());
    }

    private static void stages(PrometheusText t, List<StageStats> stages) {
        t.family("linewatch_stage_busy_seconds_total", "counter", "Time each stage of each lane spent on frames.");
        for (StageStats s : stages) {
            t.sample("linewatch_stage_busy_seconds_total", s.busyNanos.get() / 1e9, "lane", s.lane, "stage", s.stage);
        }
        t.family("linewatch_stage_frames_total", "counter", "Frames each stage of each lane handled.");
        for (StageStats s : stages) {
            t.sample("linewatch_stage_frames_total", s.frames.get(), "lane", s.lane, "stage", s.stage);
        }
        t.family("linewatch_stage_latency_seconds", "histogram", "Time each stage of each lane took for a frame"
                + " (inference: the engine call of the batch the frame went in).");
        for (StageStats s : stages) {
            t.histogram("linewatch_stage_latency_seconds", s.latencyNanos, 1e9, "lane", s.lane, "stage", s.stage);
        }
        t.family("linewatch_stage_batch_frames", "histogram", "Frames each stage of each lane took from its ring at"
                + " once (inference: one engine call, capped at the model's batch size).");
        for (StageStats s : stages) {
            t.histogram("linewatch_stage_batch_frames", s.batchFrames, 1, "lane", s.lane, "stage", s.stage);
        }
    }

    private static void rings(PrometheusText t, List<PipelineView.RingDepth> rings) {
        t.family("linewatch_ring_depth", "gauge", "Frames in a lane's ring that its slowest stage has not finished.");
        for (PipelineView.RingDepth r : rings) {
            t.sample("linewatch_ring_depth", r.depth(), "lane", r.lane());
        }
        t.family("linewatch_ring_slots", "gauge", "Slots of a lane's ring (pipeline.ring_size).");
        for (PipelineView.RingDepth r : rings) {
            t.sample("linewatch_ring_slots", r.slots(), "lane", r.lane());
        }
    }

    private static void clips(PrometheusText t, io.linewatch.sinks.ClipWriter clips) {
        if (clips == null) {
            return;
        }
        t.family("linewatch_clips_bytes", "gauge", "Bytes of finished clips (and sidecars) in the clips folder.")
                .sample("linewatch_clips_bytes", clips.store().usedBytes.get());
        t.family("linewatch_clips_max_bytes", "gauge", "The clips folder's budget (sinks.clips.max_bytes).")
                .sample("linewatch_clips_max_bytes", clips.store().maxBytes());
        t.family("linewatch_clips_written_total", "counter", "Clips written whole.")
                .sample("linewatch_clips_written_total", clips.written.get());
        t.family("linewatch_clips_failed_total", "counter", "Clips that could not be written (their alarms went out).")
                .sample("linewatch_clips_failed_total", clips.failed.get());
        t.family("linewatch_clips_deleted_total", "counter", "Clips deleted for the budget or the age limit.")
                .sample("linewatch_clips_deleted_total", clips.store().deleted.get());
        t.family("linewatch_clips_deleted_bytes_total", "counter", "Bytes deleted for the budget or the age limit.")
                .sample("linewatch_clips_deleted_bytes_total", clips.store().deletedBytes.get());
    }

    private static void mqtt(PrometheusText t, Outbox outbox, MqttPublisher mqtt) {
        if (outbox == null || mqtt == null) {
            return;
        }
        t.family("linewatch_outbox_messages", "gauge", "Messages waiting in the outbox for the broker.")
                .sample("linewatch_outbox_messages", outbox.waitingCount());
        t.family("linewatch_outbox_bytes", "gauge", "Journal bytes of the messages waiting in the outbox.")
                .sample("linewatch_outbox_bytes", outbox.waitingBytes());
        t.family("linewatch_outbox_appended_total", "counter", "Messages accepted into the outbox.")
                .sample("linewatch_outbox_appended_total", outbox.appended.get());
        t.family("linewatch_outbox_evicted_total", "counter", "Camera-state messages evicted from a full outbox.")
                .sample("linewatch_outbox_evicted_total", outbox.evicted.get());
        t.family("linewatch_outbox_refused_total", "counter",
                        "Alarms refused by the outbox: full of alarms, or its disk full or failing (an overflow).")
                .sample("linewatch_outbox_refused_total", outbox.refused.get());
        t.family("linewatch_outbox_disk_free_bytes", "gauge", "Bytes free on the outbox's file system (-1: unknown).")
                .sample("linewatch_outbox_disk_free_bytes", outbox.freeBytes());
        t.family("linewatch_outbox_disk_error", "gauge",
                        "1 while the last write to the outbox's journal failed, with the error; 0 once one succeeds.")
                .sample("linewatch_outbox_disk_error", outbox.lastError().isEmpty() ? 0 : 1, "error", outbox.lastError());
        t.family("linewatch_mqtt_acknowledged_total", "counter", "Messages the broker acknowledged.")
                .sample("linewatch_mqtt_acknowledged_total", mqtt.acknowledged.get());
        t.family("linewatch_mqtt_connections_total", "counter", "Connections made to the broker.")
                .sample("linewatch_mqtt_connections_total", mqtt.connections.get());
        t.family("linewatch_mqtt_connected", "gauge", "1 while connected to the broker.")
                .sample("linewatch_mqtt_connected", mqtt.isConnected() ? 1 : 0);
        t.family("linewatch_mqtt_session_taken_over", "gauge",
                "1 while another client keeps taking this daemon's broker session (same client id).")
                .sample("linewatch_mqtt_session_taken_over", mqtt.sessionTakenOver() ? 1 : 0);
    }

    private static void jvm(PrometheusText t) {
        t.family("linewatch_jvm_heap_used_bytes", "gauge", "Java heap in use.")
                .sample("linewatch_jvm_heap_used_bytes",
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        t.family("linewatch_jvm_buffer_used_bytes", "gauge", "Direct and mapped buffer memory (tensors, slots).");
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            t.sample("linewatch_jvm_buffer_used_bytes", pool.getMemoryUsed(), "pool", pool.getName());
        }
        t.family("linewatch_process_resident_bytes", "gauge", "Resident memory of the process (native included).")
                .sample("linewatch_process_resident_bytes", ProcessMemory.residentBytes());
        t.family("linewatch_process_proportional_bytes", "gauge", "Resident memory with each page counted once"
                        + " (Pss; ZGC's heap, mapped more than once, counts more than once in resident bytes).")
                .sample("linewatch_process_proportional_bytes", ProcessMemory.proportionalBytes());
    }

    private static void counter(PrometheusText t, List<CameraStats> stats, String name, String help,
                                Function<CameraStats, AtomicLong> field) {
        t.family(name, "counter", help);
        for (CameraStats s : stats) {
            t.sample(name, field.apply(s).get(), "camera", s.cameraId);
        }
    }

    private static void drop(PrometheusText t, CameraStats s, String reason, AtomicLong count) {
        t.sample("linewatch_frames_dropped_total", count.get(), "camera", s.cameraId, "reason", reason);
    }
}
