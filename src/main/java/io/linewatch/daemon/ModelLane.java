package io.linewatch.daemon;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.capture.Camera;
import io.linewatch.config.Identity;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.PipelineConfig;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.inference.InferenceHandler;
import io.linewatch.inference.ModelSignature;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.CountListener;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.InferenceGate;
import io.linewatch.pipeline.LatencyStats;
import io.linewatch.pipeline.LiveFrames;
import io.linewatch.pipeline.ThermalTrend;
import io.linewatch.postprocess.AlarmHandler;
import io.linewatch.postprocess.AlarmRule;
import io.linewatch.postprocess.CountHandler;
import io.linewatch.sinks.AlarmSinkHandler;
import io.linewatch.sinks.CountStore;
import io.linewatch.sinks.LiveFrameTap;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.ObjectEventHandler;
import io.linewatch.sinks.ObjectJson;
import io.linewatch.sinks.SnapshotWriter;
import io.linewatch.sinks.SparkplugNode;
import io.linewatch.sinks.VerdictHandler;
import io.linewatch.sinks.ThermalTrendHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One model's lane, wired and running: its {@link Lane} of stages (the task's preprocess on one thread
 * or several, batched inference, the task's decode, the tracker in detection lanes, alarms, sinks and the live picture), the cameras that feed it, and its alarm stage with
 * the rules it was last given (a reload hands it new ones). Built and changed on the assembly's
 * thread; guarded by the {@link Pipeline}.
 */
final class ModelLane {

    /** The thread of the stages after inference when they share one ({@code lw-<lane>-after}). */
    static final String AFTER_INFERENCE = "after";

    /** What every lane's stages share: counters, latencies, the sinks and the run's listener. */
    record Shared(LinewatchConfig config, List<CameraStats> stats, LatencyStats latency,
                  LatencyStats ageAtInference, Sinks sinks, AlarmSinkHandler.AlarmListener listener,
                  long[] maxAgeNanos, long[] lastSeq, LiveFrames live, ThermalTrend trend,
                  io.linewatch.pipeline.RuleReadings readings, io.linewatch.pipeline.PartVerdicts verdicts) {
    }

    private final String model;
    private final Lane lane;
    private final List<Integer> cameras;
    private final AlarmHandler alarms;
    private AlarmRule[][] installed;
    private final ThermalTrend trend;

    private ModelLane(String model, Lane lane, List<Integer> cameras, AlarmHandler alarms, AlarmRule[][] installed,
                      ThermalTrend trend) {
        this.trend = trend;
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
    static ModelLane start(String name, ModelConfig model, List<InferenceEngine> engines, List<Camera> cameras,
                           Shared shared) throws StartupException {
        LinewatchConfig config = shared.config();
        InferenceEngine engine = engines.get(0);
        ModelSignature sig = engine.signature();
        int pixelCapacity = cameras.stream().mapToInt(Camera::slotPixelBytes).max().orElse(3);
        int ringSize = config.pipeline().ringSize();
        List<Integer> indexes = cameras.stream().map(Camera::index).toList();
        int imagesPerSlot = ClassificationStages.imagesPerSlot(config, model, indexes);
        FrameEventFactory factory = TaskStages.slots(config, model, sig, indexes, ringSize, pixelCapacity, imagesPerSlot);
        Lane lane = new Lane(name, factory, config.pipeline(), shared.stats());
        Freshness freshness = new Freshness(shared.maxAgeNanos(), shared.stats(), lane.ring(), maxLiveBacklog(ringSize));
        TaskStages task = TaskStages.of(config, model, sig, engine.metadata(), indexes, shared.stats(),
                shared.sinks().frameLines(), shared.sinks().mqtt(), shared.trend());
        AlarmHandler alarms = new AlarmHandler(config.identity(), task.rules(), shared.lastSeq(), shared.stats(),
                shared.readings());
        lane.then(preprocessStages(task, model.preprocessThreads(), indexes, freshness, shared))
                .then(inferenceStages(engines, factory, model, imagesPerSlot, shared, freshness, ringSize));
        List<Lane.Stage[]> after = new ArrayList<>();
        after.add(new Lane.Stage[] {task.decode()});
        if (task.track() != null) {
            after.add(new Lane.Stage[] {task.track()});
        }
        if (task.parts() != null) {
            after.add(new Lane.Stage[] {task.parts()});
        }
        Lane.Stage alarmStage = new Lane.Stage(AlarmHandler.NAME, alarms);
        if (task.track() != null && CountHandler.needed(config.cameras(), indexes)) {
            after.add(new Lane.Stage[] {alarmStage, new Lane.Stage(CountHandler.NAME, new CountHandler(config.cameras(),
                    indexes, model.classes(), shared.stats(), model.tracker().maxTracks(), countListener(shared, indexes)))});
        } else {
            after.add(new Lane.Stage[] {alarmStage});
        }
        after.add(sinkStages(name, task, shared, model, indexes));
        if (config.pipeline().stagesAfterInference() == PipelineConfig.StageThreads.ONE_THREAD) {
            lane.thenOnOneThread(AFTER_INFERENCE, after.stream().flatMap(java.util.Arrays::stream).toList());
        } else {
            after.forEach(lane::then);
        }
        ModelLane running = new ModelLane(name, lane, indexes, alarms, task.rules(), shared.trend());
        try {
            lane.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while lane " + name + " started", e);
        }
        return running;
    }

    /**
     * The lane's preprocess on {@code threads} threads: with one, a stage that prepares every frame;
     * with several, one instance per thread for its share of the frames ({@link FrameShare}). Each
     * instance has its own inference gate, so a camera with {@code infer_fps} or {@code motion_gate}
     * goes whole to one thread, which sees its frames in order, and its gate's state has one writer.
     * No more threads than such cameras start when every camera of the lane has one.
     */
    private static Lane.Stage[] preprocessStages(TaskStages task, int threads, List<Integer> cameras,
                                                 Freshness freshness, Shared shared) {
        InferenceGate.Rule[] rules = shared.config().cameras().stream().map(InferenceGate.Rule::of)
                .toArray(InferenceGate.Rule[]::new);
        boolean[] inOrder = new boolean[rules.length];
        for (int c = 0; c < rules.length; c++) {
            inOrder[c] = rules[c].keepsState();
        }
        boolean allInOrder = cameras.stream().allMatch(c -> inOrder[c]);
        int n = allInOrder ? Math.min(threads, cameras.size()) : threads;
        int[] owners = FrameShare.owners(cameras, inOrder, n);
        Lane.Stage[] stages = new Lane.Stage[n];
        for (int k = 0; k < n; k++) {
            Lane.Stage stage = task.preprocess().apply(freshness.withInferenceGate(new InferenceGate(rules,
                    shared.stats())));
            if (n == 1) {
                stages[k] = stage;
            } else {
                stages[k] = new Lane.Stage(stage.name(), stage.handler(), stage.maxBatch(), k,
                        new FrameShare(k, n, owners));
            }
        }
        return stages;
    }

    /**
     * One inference stage per engine instance, all after preprocess and before decode. One instance
     * takes every frame in batches of up to {@code batch_size}; several take alternate blocks of
     * {@code batch_size} sequences, and their processors take up to a ring at once, so that the
     * Disruptor's batch ends only where the backlog does and never cuts a block short.
     */
    private static Lane.Stage[] inferenceStages(List<InferenceEngine> engines, FrameEventFactory factory,
                                                ModelConfig model, int imagesPerSlot, Shared shared,
                                                Freshness freshness, int ringSize) {
        int n = engines.size();
        Lane.Stage[] stages = new Lane.Stage[n];
        for (int k = 0; k < n; k++) {
            InferenceHandler handler = new InferenceHandler(engines.get(k), factory.inputArena(), factory.outputArenas(),
                    model.batchSize(), imagesPerSlot, shared.stats(), freshness, shared.ageAtInference(), k, n);
            stages[k] = n == 1 ? new Lane.Stage(InferenceHandler.NAME, handler, model.batchSize())
                    : new Lane.Stage(InferenceHandler.NAME, handler, ringSize, k,
                            (event, sequence) -> handler.owns(sequence));
        }
        return stages;
    }

    /**
     * Publishes each count on the line's retained topic and to the Sparkplug edge node (nothing with
     * MQTT off: the counts stay in the metrics); a line that resumes keeps it in the state folder first.
     */
    private static CountListener countListener(Shared shared, List<Integer> cameras) {
        MqttPublisher mqtt = shared.sinks().mqtt();
        SparkplugNode sparkplug = shared.sinks().sparkplug();
        Identity identity = shared.config().identity();
        CountStore store = new CountStore(Path.of(shared.config().sinks().stateDir()));
        java.util.Set<String> resuming = resumeCounts(shared, cameras, store);
        return (camera, counter, timeMillis, counts, perMinute) -> {
            String json = ObjectJson.count(identity, camera, counter, timeMillis, counts, perMinute);
            if (resuming.contains(camera + "/" + counter)) {
                store.write(camera, counter, json);
            }
            if (mqtt != null) {
                mqtt.publishCount(camera, counter, json);
            }
            if (sparkplug != null) {
                sparkplug.onCount(camera, counter, timeMillis, counts, perMinute);
            }
        };
    }

    /**
     * Seeds the counts of the lines that resume from their last count in the state folder (a count
     * the stats already hold, after a restart of the lane, is kept); returns those lines as
     * {@code camera/counter}.
     */
    private static java.util.Set<String> resumeCounts(Shared shared, List<Integer> cameras, CountStore store) {
        java.util.Set<String> resuming = new java.util.HashSet<>();
        for (int i : cameras) {
            io.linewatch.config.CameraConfig camera = shared.config().cameras().get(i);
            for (io.linewatch.config.CounterConfig counter : camera.counters()) {
                if (!counter.resume()) {
                    continue;
                }
                resuming.add(camera.id() + "/" + counter.name());
                store.read(camera.id(), counter.name()).forEach((cls, n) -> shared.stats().get(i).lineCrossings
                        .computeIfAbsent(new CameraStats.LineClass(counter.name(), cls), k -> new java.util.concurrent
                                .atomic.AtomicLong(n)));
            }
        }
        return resuming;
    }

    private static Lane.Stage[] sinkStages(String name, TaskStages task, Shared shared, ModelConfig model,
                                           List<Integer> cameras) {
        List<Lane.Stage> sinks = new ArrayList<>();
        Sinks s = shared.sinks();
        Path snapshots = Path.of(shared.config().sinks().snapshotsDir());
        sinks.add(new Lane.Stage(AlarmSinkHandler.NAME, new AlarmSinkHandler(s.eventLog(),
                new SnapshotWriter(snapshots, task.snapshots().get()), s.mqtt(),
                shared.latency(), shared.listener(), s.clips())));
        if (task.track() != null && s.mqtt() != null) {
            boolean[] published = new boolean[model.classes().size()];
            for (int c = 0; c < published.length; c++) {
                published[c] = model.tracker().publishes(model.classes().get(c));
            }
            sinks.add(new Lane.Stage(ObjectEventHandler.NAME, new ObjectEventHandler(shared.config().identity(),
                    model.classes(), published, model.tracker().updateSeconds(), model.tracker().maxTracks(),
                    shared.config().cameras().size(), cameras, s.mqtt(), snapshots, s.clips())));
        }
        if (task.partsByCamera() != null) {
            sinks.add(new Lane.Stage(VerdictHandler.NAME, new VerdictHandler(shared.config().identity(), model.classes(),
                    task.partsByCamera(), task.partSnapshots(), snapshots, verdictPublisher(s, shared.verdicts()),
                    shared.stats())));
        }
        sinks.add(new Lane.Stage(LiveFrameTap.NAME, new LiveFrameTap(name, shared.live(), task.snapshots().get())));
        if (model.task() == ModelConfig.Task.THERMAL) {
            sinks.add(new Lane.Stage(ThermalTrendHandler.NAME, new ThermalTrendHandler(shared.trend())));
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
     * A verdict goes to the outbox (when MQTT is on), then the event log, then it is the camera's
     * last verdict (for OPC UA) and goes to the Sparkplug edge node (when on).
     */
    private static java.util.function.BiConsumer<io.linewatch.sinks.VerdictJson.Verdict, String> verdictPublisher(
            Sinks s, io.linewatch.pipeline.PartVerdicts verdicts) {
        MqttPublisher mqtt = s.mqtt();
        io.linewatch.sinks.EventLog log = s.eventLog();
        SparkplugNode sparkplug = s.sparkplug();
        return (v, json) -> {
            if (mqtt != null) {
                mqtt.acceptVerdict(v.camera(), json);
            }
            if (log != null) {
                log.append(json);
            }
            io.linewatch.pipeline.PartVerdicts.Verdict last = verdicts.record(v.camera(), v.part(), v.id(), v.nok(),
                    v.defects().size(), v.timeMillis());
            if (sparkplug != null) {
                sparkplug.onVerdict(last);
            }
        };
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
    /** The thermal trend its temperature rules draw on (rebuilt rules too), or null. */
    ThermalTrend trend() {
        return trend;
    }

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
