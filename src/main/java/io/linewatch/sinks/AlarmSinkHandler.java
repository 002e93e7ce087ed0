package io.linewatch.sinks;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.LatencyStats;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of one lane, on its own thread. For each alarm event in the slot: writes the
 * snapshot (raised events), journals the event in the MQTT outbox (on disk: from then on it is
 * accepted and will reach the broker, across outages and restarts), then appends it to the event
 * log, in that order, so every alarm in the log has been accepted. An alarm the outbox refused goes
 * to the log as a {@code "type":"refused"} line ({@link AlarmJson#refused}), never as an alarm, and
 * is not told to the listener. Also records each frame's capture-to-publish latency. Reads the slot;
 * writes nothing into it.
 */
public final class AlarmSinkHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "sinks";
    private static final Logger LOG = LoggerFactory.getLogger(AlarmSinkHandler.class);

    private final EventLog eventLog;
    private final SnapshotWriter snapshots;
    private final MqttPublisher mqtt;
    private final LatencyStats latency;
    private final AlarmListener listener;
    private final ClipWriter clips;

    /** Told of every accepted alarm event once it is logged (the CLI prints them); called on the sink thread. */
    @FunctionalInterface
    public interface AlarmListener {
        void onAlarm(AlarmEvent event, String json);
    }

    /**
     * @param eventLog  the JSONL log, or null for none
     * @param snapshots the snapshot writer, or null for none
     * @param mqtt      the MQTT outbox and publisher, or null for none
     * @param listener  told of each event, or null
     */
    public AlarmSinkHandler(EventLog eventLog, SnapshotWriter snapshots, MqttPublisher mqtt,
                            LatencyStats latency, AlarmListener listener) {
        this(eventLog, snapshots, mqtt, latency, listener, null);
    }

    /** @param clips writes each raised alarm's clip, named in the event; null for none */
    public AlarmSinkHandler(EventLog eventLog, SnapshotWriter snapshots, MqttPublisher mqtt,
                            LatencyStats latency, AlarmListener listener, ClipWriter clips) {
        this.clips = clips;
        this.eventLog = eventLog;
        this.snapshots = snapshots;
        this.mqtt = mqtt;
        this.latency = latency;
        this.listener = listener;
    }

    @Override
    public void onStart() {
        if (snapshots != null) {
            snapshots.warmUp();
        }
    }

    /** Frees the snapshot encoder's native memory, on the sink thread that used it. */
    @Override
    public void onShutdown() {
        if (snapshots != null) {
            snapshots.close();
        }
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (event.skipped() && !event.sourceEnded) {
            return;
        }
        for (AlarmEvent alarm : event.alarms) {
            String json = clips == null || alarm.type() != AlarmEvent.Type.RAISED
                    ? AlarmJson.toJson(alarm, snapshot(alarm, event))
                    : AlarmJson.toJson(alarm, snapshot(alarm, event), clips.request(alarm, event.mediaMicros));
            boolean accepted = mqtt == null || mqtt.acceptAlarm(alarm, json);
            if (eventLog != null) {
                eventLog.append(accepted ? json : AlarmJson.refused(alarm));
            }
            if (listener != null && accepted) {
                listener.onAlarm(alarm, json);
            }
        }
        if (!event.sourceEnded) {
            latency.record(System.nanoTime() - event.captureNanos);
        }
    }

    private String snapshot(AlarmEvent alarm, FrameEvent event) {
        if (snapshots == null || alarm.type() != AlarmEvent.Type.RAISED) {
            return null;
        }
        try {
            Path file = snapshots.write(alarm, event);
            return file.toString();
        } catch (IOException | RuntimeException e) {
            LOG.error("camera {}: snapshot of alarm {} not written, the alarm goes out without it: {}", alarm.camera(),
                    alarm.id(), e.getMessage());
            return null;
        }
    }
}
