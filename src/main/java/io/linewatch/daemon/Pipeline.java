package io.linewatch.daemon;

import io.linewatch.capture.Camera;
import io.linewatch.capture.CaptureException;
import io.linewatch.capture.Playback;
import io.linewatch.capture.SourceWatchdog;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.enginebuild.CalibrationSet;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.Engines;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.pipeline.AlarmFeed;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.CameraStates;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.LatencyStats;
import io.linewatch.pipeline.LiveFrames;
import io.linewatch.pipeline.StageStats;
import io.linewatch.postprocess.AlarmRule;
import io.linewatch.pipeline.PartVerdicts;
import io.linewatch.pipeline.RuleReadings;
import io.linewatch.pipeline.ThermalTrend;
import io.linewatch.sinks.Acknowledgements;
import io.linewatch.sinks.AlarmSinkHandler;
import io.linewatch.sinks.EventLogTail;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.Outbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon put together, and the order things start and stop in: the sinks, then each camera's
 * source, then one engine and one {@link ModelLane} per model, then the captures; at the close the
 * captures, then the lanes drained of every accepted frame, then the sinks, then the engines. A
 * camera or model that cannot start fails a replay's start ({@link Options#failFast}) or is left out
 * with its state saying why while the others run (the daemon). A {@link #reload} goes to
 * {@link PipelineReload}. The servers that show the daemon see it through {@link PipelineView}; it
 * does not know they exist.
 */
public final class Pipeline implements PipelineView, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final long DRAIN_TIMEOUT_MILLIS = 60_000;
    /** How much of the event log's end is read back at start (recent alarms and acknowledgements). */
    static final int READ_BACK_BYTES = 1 << 20;
    static final long CAPTURE_STOP_MILLIS = 10_000;
    /** Live pictures for a viewer: at most 5 a second per camera. */
    static final long LIVE_PERIOD_NANOS = 200_000_000L;

    /**
     * How to start.
     *
     * @param playback      how recorded cameras are paced, at what speed, for how many frames
     * @param failFast      a camera or model that cannot start fails the whole start (replay); when
     *                      false it is logged and left out, and the others run (daemon)
     * @param detectionsLog write every frame's results here, or null
     * @param listener      told of each alarm event, or null
     */
    public record Options(Playback playback, boolean failFast, Path detectionsLog,
                          AlarmSinkHandler.AlarmListener listener) {

        /** The daemon: cameras as configured, and a camera that cannot start is left out. */
        public static Options daemon() {
            return new Options(Playback.asConfigured(), false, null, null);
        }

        /** A replay: cameras played as {@code playback} says, and any camera that cannot start fails it. */
        public static Options replay(Playback playback) {
            return new Options(playback, true, null, null);
        }

        public Options withPlayback(Playback newPlayback) {
            return new Options(newPlayback, failFast, detectionsLog, listener);
        }

        /** A copy whose paced cameras run at {@code speed} times their rate, for {@code framesPerCamera} frames. */
        public Options withLoad(double speed, long framesPerCamera) {
            return withPlayback(playback.withLoad(speed, framesPerCamera));
        }

        public Options withDetectionsLog(Path file) {
            return new Options(playback, failFast, file, listener);
        }

        public Options withListener(AlarmSinkHandler.AlarmListener newListener) {
            return new Options(playback, failFast, detectionsLog, newListener);
        }
    }

    /**
     * What a reload did.
     *
     * @param restartNeeded the new config needs the daemon restarted; nothing was changed
     * @param summary       what changed in place, or why the daemon must restart
     */
    public record Reload(boolean restartNeeded, String summary) {
    }

    private final List<CameraStats> stats;
    private final LatencyStats latency = new LatencyStats();
    private final LatencyStats ageAtInference = new LatencyStats();
    private final CameraStates cameraStates = new CameraStates();
    private final SourceWatchdog watchdog = new SourceWatchdog();
    private final List<ModelLane> lanes = new ArrayList<>();
    private final List<InferenceEngine> engines = new ArrayList<>();
    /** Each running camera, by camera index. */
    private final Map<Integer, Camera> cameras = new ConcurrentHashMap<>();
    private final ModelFiles modelFiles = new ModelFiles();
    private final AlarmFeed alarmFeed = new AlarmFeed();
    private LiveFrames live;
    private ThermalTrend thermalTrend;
    private final RuleReadings ruleReadings = new RuleReadings();
    private final PartVerdicts partVerdicts = new PartVerdicts();
    private final List<ModelState> models = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<AlarmSinkHandler.AlarmListener> alarmListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Sinks sinks;
    private Acknowledgements acknowledgements;
    private PipelineReload reloads;
    private boolean closed;

    private Pipeline(List<CameraStats> stats) {
        this.stats = stats;
    }

    /** Opens everything and starts the frames flowing. */
    public static Pipeline start(LinewatchConfig config, Options options) throws StartupException {
        List<CameraStats> stats = config.cameras().stream()
                .map(c -> new CameraStats(c.id(), TaskStages.detectionsLabel(config.models().get(c.model())))).toList();
        Pipeline pipeline = new Pipeline(stats);
        try {
            pipeline.open(config, options);
            return pipeline;
        } catch (StartupException | RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    /**
     * Whether this JVM gives Java thread priorities to the OS ({@code -XX:ThreadPriorityPolicy=1} on
     * Linux); without it {@code pipeline.yield_to_engine} does nothing.
     */
    public static boolean threadPrioritiesHonoured() {
        return "1".equals(vmOption("ThreadPriorityPolicy"));
    }

    /**
     * The nice value Java's lowest priority gets on Linux, where priorities are honoured: the JVM's
     * own 4, or what {@code -XX:JavaPriority1_To_OSPriority} sets (the shipped unit: 19).
     */
    public static int lowestPriorityNice() {
        String mapped = vmOption("JavaPriority1_To_OSPriority");
        return mapped == null || mapped.equals("-1") ? 4 : Integer.parseInt(mapped);
    }

    private static String vmOption(String name) {
        try {
            return java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return null; // not HotSpot
        }
    }

    private void open(LinewatchConfig config, Options options) throws StartupException {
        if (config.pipeline().yieldToEngine() && !threadPrioritiesHonoured()) {
            LOG.warn("pipeline.yield_to_engine is set, but this JVM ignores thread priorities: start it with"
                    + " -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 (the shipped unit does); the"
                    + " engine's threads share the cores as before");
        }
        sinks = Sinks.open(config, options.detectionsLog(), cameraStates, stats, alarmFeed::publishClip);
        sinks.reportStatus(stats, cameraStates);
        acknowledgements = new Acknowledgements(config.identity(), sinks.mqtt(), sinks.eventLog());
        readBack(sinks.eventLog());
        Map<String, List<Camera>> byModel = openCameras(config, options.failFast());
        thermalTrend = new ThermalTrend(config.cameras().size());
        live = new LiveFrames(config.cameras().stream().map(CameraConfig::id).toList(), LIVE_PERIOD_NANOS);
        if (options.listener() != null) {
            alarmListeners.add(options.listener());
        }
        ModelLane.Shared shared = new ModelLane.Shared(config, stats, latency, ageAtInference, sinks,
                sinks.alarmListener(this::feedAlarm), maxFrameAgeNanos(config, options.playback()),
                sinks.lastSequenceNumbers(config), live, thermalTrend, ruleReadings, partVerdicts);
        for (Map.Entry<String, List<Camera>> lane : byModel.entrySet()) {
            startLane(config, lane.getKey(), lane.getValue(), shared, options.failFast());
        }
        if (lanes.isEmpty()) {
            throw new StartupException("no camera could start", null);
        }
        promoteSlotBuffers();
        sinks.startSparkplug(ruleNames(config), ruleReadings);
        for (ModelLane lane : lanes) {
            for (int i : lane.cameras()) {
                cameras.get(i).start(lane.ring(), options.playback(), config.pipeline().otherThreadsPriority());
            }
        }
        reloads = new PipelineReload(config, options.playback(), lanes, cameras, modelFiles, stats, cameraStates,
                watchdog, sinks::packetRing);
    }

    /**
     * The recent alarms, their clips and acknowledgements of before this start, from the event log's
     * last {@link #READ_BACK_BYTES}: for the console's page and the acknowledgements. A log that
     * cannot be read is named in one line and the daemon goes on without them.
     */
    private void readBack(io.linewatch.sinks.EventLog log) {
        if (log == null) {
            return;
        }
        try {
            long startNanos = System.nanoTime();
            EventLogTail tail = EventLogTail.read(log.file(), READ_BACK_BYTES, AlarmFeed.KEPT);
            acknowledgements.readBack(tail);
            alarmFeed.seed(tail.alarms(), tail.clips());
            if (!tail.alarms().isEmpty()) {
                LOG.info("event log {}: {} recent alarm event(s) and {} acknowledgement(s) read back in {} ms",
                        log.file(), tail.alarms().size(), tail.acknowledged().size(),
                        (System.nanoTime() - startNanos) / 1_000_000);
            }
        } catch (java.io.IOException e) {
            LOG.warn("event log {}: recent alarms not read back: {}", log.file(), e.getMessage());
        }
    }

    /** The names of each camera's alarm rules as the lanes installed them, by camera id. */
    private Map<String, List<String>> ruleNames(LinewatchConfig config) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        for (ModelLane lane : lanes) {
            AlarmRule[][] rules = lane.installedRules();
            for (int i : lane.cameras()) {
                names.put(config.cameras().get(i).id(), rules[i] == null ? List.of()
                        : java.util.Arrays.stream(rules[i]).map(AlarmRule::name).distinct().toList());
            }
        }
        return names;
    }

    /**
     * Tells the acknowledgements of an accepted event (so that it may be acknowledged once anyone
     * hears of it), then the run's listener and the subscribed servers, then the console's feed.
     */
    private void feedAlarm(AlarmEvent event, String json) {
        acknowledgements.follow(event);
        tellAlarm(event, json);
        alarmFeed.publish(json);
    }

    /** Each camera that opens, grouped by its model; a file that cannot open fails the start or is left out. */
    private Map<String, List<Camera>> openCameras(LinewatchConfig config, boolean failFast) throws StartupException {
        Map<String, List<Camera>> byModel = new LinkedHashMap<>();
        for (int i = 0; i < config.cameras().size(); i++) {
            CameraConfig camera = config.cameras().get(i);
            try {
                Camera opened = Camera.open(i, camera, TaskStages.pixelFormat(config.models().get(camera.model())),
                        stats.get(i), cameraStates, watchdog, sinks.packetRing(camera));
                cameras.put(i, opened);
                byModel.computeIfAbsent(camera.model(), m -> new ArrayList<>()).add(opened);
            } catch (CaptureException e) {
                if (failFast) {
                    throw new StartupException(e.getMessage(), e);
                }
                LOG.error("{} (the other cameras go on)", e.getMessage());
            }
        }
        return byModel;
    }

    /** Opens a model's engine and starts its lane; a model that cannot start fails the start or is left out. */
    private void startLane(LinewatchConfig config, String name, List<Camera> laneCameras, ModelLane.Shared shared,
                           boolean failFast) throws StartupException {
        ModelConfig model = config.models().get(name);
        try {
            modelFiles.opened(name, model);
            List<InferenceEngine> laneEngines = new ArrayList<>();
            for (int k = 0; k < model.instances(); k++) {
                InferenceEngine engine = openEngine(name, model);
                engines.add(engine);
                laneEngines.add(engine);
            }
            lanes.add(ModelLane.start(name, model, laneEngines, laneCameras, shared));
            models.add(new ModelState(name, Engines.label(laneEngines.get(0)), "running"));
        } catch (StartupException e) {
            models.add(new ModelState(name, model.engine().name().toLowerCase(java.util.Locale.ROOT),
                    "failed: " + e.getMessage()));
            if (failFast) {
                throw e;
            }
            LOG.error("{} (its cameras {} stay off; the others go on)", e.getMessage(),
                    laneCameras.stream().map(c -> c.config().id()).toList());
            for (Camera camera : laneCameras) {
                cameras.remove(camera.index());
                camera.leaveOut(e.getMessage());
            }
        }
    }

    private static InferenceEngine openEngine(String name, ModelConfig model) throws StartupException {
        try {
            InferenceEngine engine = Engines.open(name, model, CalibrationSet::of);
            LOG.info("model {}: {} on {}, batch {}, {} intra-op thread(s){}, {} instance(s), preprocess_threads {}",
                    name, engine.signature(), Engines.label(engine), model.batchSize(), model.intraOpThreads(),
                    model.intraOpSpinning() ? " spinning" : "", model.instances(), model.preprocessThreads());
            return engine;
        } catch (EngineException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * The rings' slot buffers (tens of MB) live as long as the pipeline. Left in the young
     * generation, the first collections after frames start flowing would copy them all (a 10-20 ms
     * pause that frames wait behind); one collection now, before any frame, moves them to the old
     * generation instead.
     */
    private static void promoteSlotBuffers() {
        System.gc();
    }

    /**
     * Each camera's age budget: its own or the pipeline's {@code max_frame_age_ms} when it is paced
     * (live), none when it is read as fast as the pipeline takes it (its frames wait for the ring
     * by design, and none may be lost).
     */
    static long[] maxFrameAgeNanos(LinewatchConfig config, Playback playback) {
        long[] maxAgeNanos = new long[config.cameras().size()];
        for (int i = 0; i < maxAgeNanos.length; i++) {
            CameraConfig camera = config.cameras().get(i);
            int ms = camera.maxFrameAgeMs(config.pipeline());
            maxAgeNanos[i] = playback.paced(camera) && ms > 0 ? ms * 1_000_000L : Freshness.UNLIMITED;
        }
        return maxAgeNanos;
    }

    /**
     * Takes a new config in place where it can (see {@link PipelineReload}); when the daemon must
     * restart instead, changes nothing and says why. Any thread; one reload at a time, never during
     * {@link #close()}.
     *
     * @throws StartupException the new config cannot be taken (a new file that cannot open); the
     *                          running one stays, unchanged
     */
    public synchronized Reload reload(LinewatchConfig next) throws StartupException {
        if (closed) {
            throw new StartupException("the pipeline is stopping", null);
        }
        Reload reload = reloads.apply(next);
        if (!reload.restartNeeded() && sparkplug() != null) {
            sparkplug().followRules(ruleNames(next)); // births carry the rules the lanes run now
        }
        return reload;
    }

    /** Tells every alarm listener of an accepted event (on the sink thread). */
    private void tellAlarm(AlarmEvent event, String json) {
        for (AlarmSinkHandler.AlarmListener listener : alarmListeners) {
            listener.onAlarm(event, json);
        }
    }

    @Override
    public void subscribeAlarms(AlarmSinkHandler.AlarmListener listener) {
        alarmListeners.add(listener);
    }

    @Override
    public List<ModelState> models() {
        return List.copyOf(models);
    }

    @Override
    public io.linewatch.sinks.EventLog eventLog() {
        return sinks == null ? null : sinks.eventLog();
    }

    /** Waits until every finite source has ended (forever for looped or live ones). */
    public void awaitSources() throws InterruptedException {
        for (Camera camera : cameras.values()) {
            camera.awaitEnd();
        }
    }

    @Override
    public List<StageStats> stageStats() {
        return lanes.stream().flatMap(l -> l.lane().stageStats().stream()).toList();
    }

    @Override
    public List<CameraStats> stats() {
        return stats;
    }

    @Override
    public LatencyStats latency() {
        return latency;
    }

    @Override
    public LatencyStats ageAtInference() {
        return ageAtInference;
    }

    @Override
    public CameraStates cameraStates() {
        return cameraStates;
    }

    @Override
    public Outbox outbox() {
        return sinks == null ? null : sinks.outbox();
    }

    @Override
    public MqttPublisher mqtt() {
        return sinks == null ? null : sinks.mqtt();
    }

    /** The Sparkplug B edge node, or null when it is off. */
    public io.linewatch.sinks.SparkplugNode sparkplug() {
        return sinks == null ? null : sinks.sparkplug();
    }

    @Override
    public io.linewatch.sinks.ClipWriter clips() {
        return sinks == null ? null : sinks.clips();
    }

    @Override
    public LiveFrames liveFrames() {
        return live;
    }

    @Override
    public ThermalTrend thermalTrend() {
        return thermalTrend;
    }

    @Override
    public RuleReadings ruleReadings() {
        return ruleReadings;
    }

    @Override
    public PartVerdicts partVerdicts() {
        return partVerdicts;
    }

    @Override
    public AlarmFeed alarmFeed() {
        return alarmFeed;
    }

    @Override
    public Acknowledgements acknowledgements() {
        return acknowledgements;
    }

    @Override
    public List<RingDepth> ringDepths() {
        return lanes.stream().map(l -> new RingDepth(l.lane().name(), l.ring().getBufferSize(), l.lane().depth()))
                .toList();
    }

    /** Stops capture, drains every accepted frame through all stages, then closes sinks and engines. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        cameras.values().forEach(Camera::requestStop);
        try {
            for (Camera camera : cameras.values()) {
                camera.awaitStopped(CAPTURE_STOP_MILLIS);
            }
            watchdog.close();
            for (ModelLane lane : lanes) {
                lane.lane().drainAndStop(DRAIN_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cameras.values().forEach(Camera::discardIfUnstarted);
        if (sinks != null) {
            sinks.close();
        }
        engines.forEach(InferenceEngine::close);
    }
}
