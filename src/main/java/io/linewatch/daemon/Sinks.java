package io.linewatch.daemon;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.pipeline.PacketRing;
import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.sinks.ClipWriter;
import io.linewatch.sinks.DetectionLogHandler;
import io.linewatch.sinks.EventLog;
import io.linewatch.sinks.FrameLines;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.Outbox;
import io.linewatch.sinks.AlarmSinkHandler;
import io.linewatch.sinks.SinkException;
import io.linewatch.sinks.SparkplugNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every lane's sink stages share, opened before any lane and closed after all of them: the
 * event log, the per-frame results log ({@code replay --detections}), the MQTT outbox with its
 * publisher (which also publishes each camera's state), the Sparkplug B edge node with its own
 * outbox, and the evidence clip writer. Owned by the {@link Pipeline}.
 */
final class Sinks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sinks.class);

    private EventLog eventLog;
    private DetectionLogHandler.Output resultsLog;
    private Outbox outbox;
    private MqttPublisher mqtt;
    private ClipWriter clips;
    private Outbox sparkplugOutbox;
    private SparkplugNode sparkplug;

    private final Consumer<String> clipListener;

    private Sinks(Consumer<String> clipListener) {
        this.clipListener = clipListener;
    }

    /**
     * Opens the sinks a config and a run ask for; on failure closes what it opened.
     *
     * @param resultsLog where each frame's results go, or null
     * @param clipListener told of each alarm's clip message after the outbox and the event log, on
     *                     the clip writer's thread; must return at once
     */
    static Sinks open(LinewatchConfig config, Path resultsLog, CameraStates cameraStates, List<CameraStats> stats,
                      Consumer<String> clipListener) throws StartupException {
        Sinks sinks = new Sinks(clipListener);
        try {
            sinks.openFiles(config, resultsLog);
            sinks.openMqtt(config, cameraStates);
            sinks.openSparkplug(config, cameraStates, stats);
            sinks.openClips(config);
            return sinks;
        } catch (StartupException e) {
            sinks.close();
            throw e;
        }
    }

    private void openFiles(LinewatchConfig config, Path results) throws StartupException {
        try {
            eventLog = new EventLog(Path.of(config.sinks().eventLog()));
            if (results != null) {
                resultsLog = new DetectionLogHandler.Output(results);
            }
        } catch (IOException e) {
            throw new StartupException("sinks: cannot open " + e.getMessage(), e);
        }
    }

    private void openMqtt(LinewatchConfig config, CameraStates cameraStates) throws StartupException {
        if (!config.mqtt().enabled()) {
            return;
        }
        try {
            outbox = Outbox.open(Path.of(config.mqtt().outbox().dir()), config.mqtt().outbox().maxBytes());
            mqtt = MqttPublisher.start(config.mqtt(), config.identity(), outbox);
        } catch (SinkException e) {
            throw new StartupException(e.getMessage(), e);
        }
        cameraStates.subscribe(mqtt);
    }

    /** The edge node, with its outbox ({@code sinks.sparkplug.outbox_dir}, else beside the MQTT outbox); not started. */
    private void openSparkplug(LinewatchConfig config, CameraStates cameraStates, List<CameraStats> stats)
            throws StartupException {
        if (!config.mqtt().enabled() || !config.sinks().sparkplug().enabled()) {
            return;
        }
        String dir = config.sinks().sparkplug().outboxDir().isEmpty()
                ? Path.of(config.mqtt().outbox().dir(), "sparkplug").toString() : config.sinks().sparkplug().outboxDir();
        Map<String, List<String>> counters = new LinkedHashMap<>();
        config.cameras().forEach(c -> counters.put(c.id(), c.counters().stream().map(k -> k.name()).toList()));
        java.util.Set<String> inspections = new java.util.LinkedHashSet<>();
        config.cameras().stream().filter(config::judgesParts).forEach(c -> inspections.add(c.id()));
        try {
            sparkplugOutbox = Outbox.open(Path.of(dir), config.mqtt().outbox().maxBytes());
            sparkplug = SparkplugNode.open(config.sinks().sparkplug(), config.mqtt(), config.identity(),
                    sparkplugOutbox, stats, counters, inspections);
        } catch (SinkException e) {
            throw new StartupException("sinks.sparkplug: " + e.getMessage(), e);
        }
        cameraStates.subscribe(sparkplug);
    }

    /**
     * Starts the edge node (when on) once the lanes know each camera's rules, by camera id, and
     * their alarm stages made the rules' readings.
     */
    void startSparkplug(Map<String, List<String>> rules, io.linewatch.pipeline.RuleReadings readings) {
        if (sparkplug != null) {
            sparkplug.start(rules, readings);
        }
    }

    /** The edge node, or null when Sparkplug is off. */
    SparkplugNode sparkplug() {
        return sparkplug;
    }

    /** {@code listener} (may be null), told after the edge node of each accepted alarm when Sparkplug is on. */
    AlarmSinkHandler.AlarmListener alarmListener(AlarmSinkHandler.AlarmListener listener) {
        if (sparkplug == null) {
            return listener;
        }
        SparkplugNode node = sparkplug;
        return (event, json) -> {
            node.onAlarm(event);
            if (listener != null) {
                listener.onAlarm(event, json);
            }
        };
    }

    private void openClips(LinewatchConfig config) {
        if (config.sinks().clips().enabled()) {
            clips = ClipWriter.start(config.sinks().clips(), this::clipDone);
        }
    }

    /**
     * A clip's message: to the outbox (when MQTT is on), then the event log, then, an alarm's, the
     * listener (the console offers alarms' clips; objects' would crowd them out of its recent ones).
     */
    private void clipDone(String camera, String json, boolean ofAlarm) {
        if (mqtt != null) {
            mqtt.acceptClip(camera, json);
        }
        if (eventLog != null) {
            eventLog.append(json);
        }
        if (ofAlarm) {
            clipListener.accept(json);
        }
    }

    /** The clip writer, or null when clips are off. */
    ClipWriter clips() {
        return clips;
    }

    /**
     * The ring a camera's capture keeps its packets (or its frames encoded once) in for clips; null
     * when clips are off.
     */
    PacketRing packetRing(CameraConfig camera) {
        return clips == null ? null : clips.ring(camera.id());
    }

    /** Has the publisher report the cameras' states and alarms on the daemon's retained status topic. */
    void reportStatus(List<CameraStats> stats, CameraStates cameraStates) {
        if (mqtt != null) {
            mqtt.reportStatus(stats, cameraStates);
        }
    }

    /**
     * Each camera's last alarm sequence number, so numbers go on across restarts without a gap: from
     * the outbox when there is one (it remembers them), else 0.
     */
    long[] lastSequenceNumbers(LinewatchConfig config) {
        long[] last = new long[config.cameras().size()];
        for (int i = 0; i < last.length && outbox != null; i++) {
            last[i] = outbox.lastSeq(config.cameras().get(i).id());
        }
        return last;
    }

    EventLog eventLog() {
        return eventLog;
    }

    /**
     * Where the lanes' results stages send each frame's results: the per-frame results log and the
     * clip writer's sidecars, either, or null when there is neither.
     */
    FrameLines frameLines() {
        return FrameLines.both(resultsLog, clips == null ? null : clips.frames());
    }

    /** The outbox, or null when MQTT is off. */
    Outbox outbox() {
        return outbox;
    }

    /** The publisher, or null when MQTT is off. */
    MqttPublisher mqtt() {
        return mqtt;
    }

    /** Stops the publisher, then closes the outbox and the logs. */
    @Override
    public void close() {
        closeQuietly(clips);
        closeQuietly(sparkplug);
        closeQuietly(sparkplugOutbox);
        if (mqtt != null) {
            mqtt.close();
        }
        closeQuietly(outbox);
        closeQuietly(eventLog);
        closeQuietly(resultsLog);
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.error("closing {}: {}", c, e.getMessage());
        }
    }
}
