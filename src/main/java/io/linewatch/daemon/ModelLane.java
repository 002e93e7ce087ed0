package io.linewatch.daemon;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.capture.Camera;
import io.linewatch.config.Identity;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.inference.InferenceHandler;
import io.linewatch.inference.ModelSignature;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.CountListener;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.LatencyStats;
import io.linewatch.postprocess.AlarmHandler;
import io.linewatch.postprocess.AlarmRule;
import io.linewatch.postprocess.CountHandler;
import io.linewatch.sinks.AlarmSinkHandler;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.ObjectEventHandler;
import io.linewatch.sinks.ObjectJson;
import io.linewatch.sinks.SnapshotWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One model's lane, wired and running: its {@link Lane} of stages (the task's preprocess, batched
 * inference, the task's decode, the tracker in detection lanes, alarms, sinks), the cameras that feed it, and its alarm stage with
 * the rules it was last given (a reload hands it new ones). Built and changed on the assembly's
 * thread; guarded by the {@link Pipeline}.
 */
final class ModelLane {

    /** What every lane's stages share: counters, latencies, the sinks and the run's listener. */
    record Shared(LinewatchConfig config, List<CameraStats> stats, LatencyStats latency,
                  LatencyStats ageAtInference, Sinks sinks, AlarmSinkHandler.AlarmListener listener,
                  long[] maxAgeNanos, long[] lastSeq) {
    }

    private final String model;
    private final Lane lane;
    private final List<Integer> cameras;
    private final AlarmHandler alarms;
    private AlarmRule[][] installed;

    private ModelLane(String model, Lane lane, List<Integer> cameras, AlarmHandler alarms, AlarmRule[][] installed) {
        this.model = model;
        this.lane = lane;
        this.cameras = cameras;
        this.alarms = alarms;
        this.installed = installed;
    }

    /**
     * Builds and starts the lane of model {@code name} for {@code cameras}: slots sized for the
     * largest of their frames, then the stages in order. The cameras are not started.
     */
    static ModelLane start(String name, ModelConfig model, InferenceEngine engine, List<Camera> cameras,
                           Shared shared) throws StartupException {
        LinewatchConfig config = shared.config();
        ModelSignature sig = engine.signature();
        int pixelCapacity = cameras.stream().mapToInt(Camera::slotPixelBytes).max().orElse(3);
        int ringSize = config.pipeline().ringSize();
        List<Integer> indexes = cameras.stream().map(Camera::index).toList();
        int imagesPerSlot = ClassificationStages.imagesPerSlot(config, model, indexes);
        FrameEventFactory factory = TaskStages.slots(model, sig, ringSize, pixelCapacity, imagesPerSlot);
        Lane lane = new Lane(name, factory, config.pipeline(), shared.stats());
        Freshness freshness = new Freshness(shared.maxAgeNanos(), shared.stats(), lane.ring(), maxLiveBacklog(ringSize));
        TaskStages task = TaskStages.of(config, model, sig, indexes, freshness, shared.stats(),
                shared.sinks().resultsLog(), shared.sinks().mqtt());
        AlarmHandler alarms = new AlarmHandler(config.identity(), task.rules(), shared.lastSeq(), shared.stats());
        lane.then(task.preprocess())
                .then(new Lane.Stage(InferenceHandler.NAME, new InferenceHandler(engine, factory.inputArena(),
                        factory.outputArenas(), model.batchSize(), imagesPerSlot, shared.stats(), freshness,
                        shared.ageAtInference()), model.batchSize()))
                .then(task.decode());
        if (task.track() != null) {
            lane.then(task.track());
        }
        Lane.Stage alarmStage = new Lane.Stage(AlarmHandler.NAME, alarms);
        if (task.track() != null && CountHandler.needed(config.cameras(), indexes)) {
            lane.then(alarmStage, new Lane.Stage(CountHandler.NAME, new CountHandler(config.cameras(), indexes,
                    model.classes(), shared.stats(), model.tracker().maxTracks(), countListener(shared))));
        } else {
            lane.then(alarmStage);
        }
        lane.then(sinkStages(task, shared, model, indexes));
        ModelLane running = new ModelLane(name, lane, indexes, alarms, task.rules());
        try {
            lane.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while lane " + name + " started", e);
        }
        return running;
    }

    /** Publishes each count on the line's retained topic (nothing with MQTT off: the counts stay in the metrics). */
    private static CountListener countListener(Shared shared) {
        MqttPublisher mqtt = shared.sinks().mqtt();
        Identity identity = shared.config().identity();
        return (camera, counter, timeMillis, counts, perMinute) -> {
            if (mqtt != null) {
                mqtt.publishCount(camera, counter, ObjectJson.count(identity, camera, counter, timeMillis, counts,
                        perMinute));
            }
        };
    }

    private static Lane.Stage[] sinkStages(TaskStages task, Shared shared, ModelConfig model, List<Integer> cameras) {
        List<Lane.Stage> sinks = new ArrayList<>();
        Sinks s = shared.sinks();
        Path snapshots = Path.of(shared.config().sinks().snapshotsDir());
        sinks.add(new Lane.Stage(AlarmSinkHandler.NAME, new AlarmSinkHandler(s.eventLog(),
                new SnapshotWriter(snapshots, task.snapshots()), s.mqtt(),
                shared.latency(), shared.listener(), s.clips())));
        if (task.track() != null && s.mqtt() != null) {
            boolean[] published = new boolean[model.classes().size()];
            for (int c = 0; c < published.length; c++) {
                published[c] = model.tracker().publishes(model.classes().get(c));
            }
            sinks.add(new Lane.Stage(ObjectEventHandler.NAME, new ObjectEventHandler(shared.config().identity(),
                    model.classes(), published, model.tracker().updateSeconds(), model.tracker().maxTracks(),
                    shared.config().cameras().size(), cameras, s.mqtt(), snapshots)));
        }
        if (task.resultsLog() != null) {
            sinks.add(task.resultsLog());
        }
        if (task.regionStates() != null) {
            sinks.add(task.regionStates());
        }
        return sinks.toArray(Lane.Stage[]::new);
    }

    /**
     * A live frame is shed (oldest first) when more than half a ring of newer frames was captured
     * after it: the other half takes what the cameras deliver during one engine call, so capture
     * finds room for the newest frames instead of dropping them.
     */
    private static long maxLiveBacklog(int ringSize) {
        return Math.max(1, ringSize / 2);
    }

    String model() {
        return model;
    }

    Lane lane() {
        return lane;
    }

    RingBuffer<FrameEvent> ring() {
        return lane.ring();
    }

    /** The indexes of the cameras feeding this lane. */
    List<Integer> cameras() {
        return cameras;
    }

    /** The rules the alarm stage was last given, by camera index. */
    AlarmRule[][] installedRules() {
        return installed;
    }

    /**
     * Hands the alarm stage new rules: at its next frame, or when {@code restarted} (a camera of the
     * lane restarts), only at frames published after now.
     */
    void replaceRules(AlarmRule[][] rules, boolean restarted) {
        alarms.replaceRules(rules, restarted ? lane.ring().getCursor() : -1);
        installed = rules;
    }
}
