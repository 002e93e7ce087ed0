package io.linewatch.pipeline;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.capture.CaptureException;
import io.linewatch.capture.CaptureLoop;
import io.linewatch.capture.FileFrameSource;
import io.linewatch.capture.FrameSource;
import io.linewatch.capture.LiveCapture;
import io.linewatch.capture.LiveFrameSource;
import io.linewatch.capture.SourceState;
import io.linewatch.capture.SourceStateMachine;
import io.linewatch.capture.SourceWatchdog;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.Engines;
import io.linewatch.inference.InferenceEngine;
import io.linewatch.inference.InferenceHandler;
import io.linewatch.inference.ModelSignature;
import io.linewatch.ops.OpsServer;
import io.linewatch.postprocess.AlarmHandler;
import io.linewatch.postprocess.AlarmRule;
import io.linewatch.sinks.AlarmSinkHandler;
import io.linewatch.sinks.DetectionLogHandler;
import io.linewatch.sinks.EventLog;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.Outbox;
import io.linewatch.sinks.SinkException;
import io.linewatch.sinks.SnapshotWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that knows the topology: opens the sources, engines and sinks of a config, builds
 * one {@link Lane} per model, starts one capture thread per camera, and shuts it all down in order
 * (captures, then lanes drained of every accepted frame, then sinks, then engines). Files are opened
 * here (a missing file is a start error); live cameras (RTSP, V4L2) connect on their own capture
 * threads, reconnect by themselves and are watched by one {@link SourceWatchdog}, so a camera that
 * is down at start neither fails nor delays the start.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final long DRAIN_TIMEOUT_MILLIS = 60_000;
    private static final long CAPTURE_STOP_MILLIS = 10_000;

    /**
     * How to start.
     *
     * @param realtime      pace every camera at its own rate (true), as fast as possible (false),
     *                      or as each camera's config says (null)
     * @param failFast      a camera or model that cannot start fails the whole start (replay); when
     *                      false it is logged and left out, and the others run (daemon)
     * @param detectionsLog write every frame's detections here, or null
     * @param listener      told of each alarm event, or null
     */
    public record Options(Boolean realtime, boolean failFast, Path detectionsLog,
                          AlarmSinkHandler.AlarmListener listener, double speed, long framesPerCamera) {

        /** At the clips' own rate when paced, every frame. */
        public Options(Boolean realtime, boolean failFast, Path detectionsLog, AlarmSinkHandler.AlarmListener listener) {
            this(realtime, failFast, detectionsLog, listener, 1.0, 0);
        }

        /**
         * A copy whose paced cameras run at {@code speed} times their own frame rate (benchmarks:
         * a chosen load) and stop after {@code framesPerCamera} frames (0: at the end of the source).
         */
        public Options withLoad(double newSpeed, long newFramesPerCamera) {
            return new Options(realtime, failFast, detectionsLog, listener, newSpeed, newFramesPerCamera);
        }
    }

    private final List<CameraStats> stats;
    private final LatencyStats latency = new LatencyStats();
    private final LatencyStats ageAtInference = new LatencyStats();
    private final CameraStates cameraStates = new CameraStates();
    private final List<Lane> lanes = new ArrayList<>();
    private final List<InferenceEngine> engines = new ArrayList<>();
    private final SourceWatchdog watchdog = new SourceWatchdog();
    private final Map<String, SourceStateMachine> fileStates = new java.util.HashMap<>();
    /** Each running camera's capture, by camera index. */
    private final Map<Integer, CameraCapture> captures = new ConcurrentHashMap<>();
    private final Map<Integer, RingBuffer<FrameEvent>> ringByCamera = new LinkedHashMap<>();
    private final List<LaneAlarms> laneAlarms = new ArrayList<>();
    /** Size and time of each opened model's file at the start, by model name. */
    private final Map<String, String> modelFiles = new java.util.HashMap<>();
    private LinewatchConfig config;
    private Options options;
    private EventLog eventLog;
    private OpsServer ops;
    private Outbox outbox;
    private MqttPublisher mqtt;
    private DetectionLogHandler.Output detectionsOut;
    private boolean closed;

    private Pipeline(List<CameraStats> stats) {
        this.stats = stats;
    }

    /** What a camera's {@code detections} counter counts, by its model's task (null: nothing). */
    private static String detectionsLabel(ModelConfig model) {
        if (model == null) {
            return "detections";
        }
        return switch (model.task()) {
            case DETECTION -> "detections";
            case SEGMENTATION -> "defect regions";
            case THERMAL -> null;
        };
    }

    /** Opens everything and starts the frames flowing. */
    public static Pipeline start(LinewatchConfig config, Options options) throws StartupException {
        List<CameraStats> stats = config.cameras().stream()
                .map(c -> new CameraStats(c.id(), detectionsLabel(config.models().get(c.model())))).toList();
        Pipeline pipeline = new Pipeline(stats);
        try {
            pipeline.open(config, options);
            return pipeline;
        } catch (StartupException | RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    private void open(LinewatchConfig config, Options options) throws StartupException {
        this.config = config;
        this.options = options;
        Map<String, List<Integer>> camerasByModel = new LinkedHashMap<>();
        openSinks(config, options);
        FrameSource[] sources = openSources(config, options, camerasByModel);
        AlarmRule[][] rules = new AlarmRule[config.cameras().size()][0];
        long[] lastSeq = lastSequenceNumbers(config);
        long[] maxAgeNanos = maxFrameAgeNanos(config, options);
        for (Map.Entry<String, List<Integer>> lane : camerasByModel.entrySet()) {
            ModelConfig model = config.models().get(lane.getKey());
            RingBuffer<FrameEvent> ring;
            try {
                modelFiles.put(lane.getKey(), fileStamp(model.path()));
                InferenceEngine engine = openEngine(lane.getKey(), model);
                engines.add(engine);
                ring = buildLane(config, lane.getKey(), model, engine, lane.getValue(), sources, rules, lastSeq,
                        maxAgeNanos, options);
            } catch (StartupException e) {
                if (options.failFast()) {
                    closeAll(sources);
                    throw e;
                }
                LOG.error("{} (its cameras {} stay off; the others go on)", e.getMessage(),
                        cameraIds(config, lane.getValue()));
                lane.getValue().forEach(i -> leaveOut(config.cameras().get(i), sources[i], e.getMessage()));
                continue;
            }
            for (int i : lane.getValue()) {
                ringByCamera.put(i, ring);
            }
        }
        if (ringByCamera.isEmpty()) {
            throw new StartupException("no camera could start", null);
        }
        promoteSlotBuffers();
        startOps(config);
        ringByCamera.forEach((i, ring) -> startCapture(config.cameras().get(i), i, sources[i], ring, options));
    }

    private void startOps(LinewatchConfig config) throws StartupException {
        if (!config.http().enabled()) {
            return;
        }
        try {
            ops = OpsServer.start(config.http(), this);
        } catch (IOException e) {
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
    static long[] maxFrameAgeNanos(LinewatchConfig config, Options options) {
        long[] maxAgeNanos = new long[config.cameras().size()];
        for (int i = 0; i < maxAgeNanos.length; i++) {
            CameraConfig camera = config.cameras().get(i);
            int ms = camera.maxFrameAgeMs(config.pipeline());
            maxAgeNanos[i] = paced(camera, options) && ms > 0 ? ms * 1_000_000L : Freshness.UNLIMITED;
        }
        return maxAgeNanos;
    }

    /** Live cameras, and files paced at their own rate: frames that can grow old. */
    private static boolean paced(CameraConfig camera, Options options) {
        if (camera.kind().live()) {
            return true;
        }
        return options.realtime() != null ? options.realtime() : camera.pacing() == CameraConfig.Pacing.REALTIME;
    }

    private FrameSource[] openSources(LinewatchConfig config, Options options, Map<String, List<Integer>> byModel)
            throws StartupException {
        FrameSource[] sources = new FrameSource[config.cameras().size()];
        for (int i = 0; i < sources.length; i++) {
            CameraConfig camera = config.cameras().get(i);
            if (camera.kind().live()) {
                sources[i] = new LiveFrameSource(camera, pixelFormat(config, camera));
            } else {
                sources[i] = openFile(camera, pixelFormat(config, camera), options.failFast(), sources);
            }
            if (sources[i] != null) {
                byModel.computeIfAbsent(camera.model(), m -> new ArrayList<>()).add(i);
            }
        }
        return sources;
    }

    /** Cameras of thermal models read 16-bit radiometric frames; the others BGR. */
    private static FrameEvent.PixelFormat pixelFormat(LinewatchConfig config, CameraConfig camera) {
        ModelConfig model = config.models().get(camera.model());
        return model != null && model.task() == ModelConfig.Task.THERMAL ? FrameEvent.PixelFormat.GRAY16
                : FrameEvent.PixelFormat.BGR24;
    }

    /** The opened file of a camera; null when it cannot open and the others go on. */
    private FrameSource openFile(CameraConfig camera, FrameEvent.PixelFormat format, boolean failFast,
                                 FrameSource[] sources) throws StartupException {
        FrameSource source = new FileFrameSource(camera.id(), Path.of(camera.source()), camera.loop(), format,
                camera.frameRate());
        SourceStateMachine state = new SourceStateMachine(camera.id(), cameraStates);
        fileStates.put(camera.id(), state);
        state.moveTo(SourceState.CONNECTING, "opening " + camera.source());
        try {
            source.open();
            return source;
        } catch (CaptureException e) {
            state.moveTo(SourceState.STOPPED, e.getMessage());
            if (failFast) {
                closeAll(sources);
                throw new StartupException(e.getMessage(), e);
            }
            LOG.error("{} (the other cameras go on)", e.getMessage());
            return null;
        }
    }

    /** A camera whose model cannot start: its source is closed and its state says why. */
    private void leaveOut(CameraConfig camera, FrameSource source, String reason) {
        source.close();
        if (source instanceof LiveFrameSource live) {
            live.dispose();
            cameraStates.onStateChange(camera.id(), SourceState.STOPPED, reason);
        } else {
            fileStates.get(camera.id()).moveTo(SourceState.STOPPED, reason);
        }
    }

    /** Bytes a camera's frames need in a slot: a file's own size, a live camera's configured one. */
    private static int slotPixelBytes(CameraConfig camera, FrameSource source) {
        int pixels = camera.kind().live() ? camera.slotWidth() * camera.slotHeight() : source.width() * source.height();
        return pixels * source.pixelFormat().bytesPerPixel();
    }

    private static InferenceEngine openEngine(String name, ModelConfig model) throws StartupException {
        try {
            InferenceEngine engine = Engines.open(name, model);
            LOG.info("model {}: {} on {}, batch {}", name, engine.signature(), Engines.label(engine), model.batchSize());
            return engine;
        } catch (EngineException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private void openSinks(LinewatchConfig config, Options options) throws StartupException {
        try {
            eventLog = new EventLog(Path.of(config.sinks().eventLog()));
            if (options.detectionsLog() != null) {
                detectionsOut = new DetectionLogHandler.Output(options.detectionsLog());
            }
        } catch (IOException e) {
            throw new StartupException("sinks: cannot open " + e.getMessage(), e);
        }
        if (config.mqtt().enabled()) {
            try {
                outbox = Outbox.open(Path.of(config.mqtt().outbox().dir()), config.mqtt().outbox().maxBytes());
                mqtt = MqttPublisher.start(config.mqtt(), config.site(), outbox);
            } catch (SinkException e) {
                throw new StartupException(e.getMessage(), e);
            }
            cameraStates.subscribe(mqtt);
        }
    }

    /**
     * Each camera's last alarm sequence number, so numbers go on across restarts without a gap: from
     * the outbox when there is one (it remembers them), else 0.
     */
    private long[] lastSequenceNumbers(LinewatchConfig config) {
        long[] last = new long[config.cameras().size()];
        for (int i = 0; i < last.length && outbox != null; i++) {
            last[i] = outbox.lastSeq(config.cameras().get(i).id());
        }
        return last;
    }

    private RingBuffer<FrameEvent> buildLane(LinewatchConfig config, String name, ModelConfig model,
                                             InferenceEngine engine, List<Integer> cameras, FrameSource[] sources,
                                             AlarmRule[][] rules, long[] lastSeq, long[] maxAgeNanos,
                                             Options options)
            throws StartupException {
        ModelSignature sig = engine.signature();
        int pixelCapacity = cameras.stream().mapToInt(i -> slotPixelBytes(config.cameras().get(i), sources[i]))
                .max().orElse(3);
        int ringSize = config.pipeline().ringSize();
        FrameEventFactory factory = new FrameEventFactory(ringSize, pixelCapacity, sig.inputFloats(),
                sig.outputFloatsEach(), model.nms().maxDetections());
        if (model.task() == ModelConfig.Task.SEGMENTATION) {
            factory.withDefectRegions(model.segmentation().maxRegions());
        }
        if (model.task() == ModelConfig.Task.THERMAL) {
            factory.thermal(model.thermal().maxHotspots());
        }
        Lane lane = new Lane(name, factory, config.pipeline(), stats);
        Freshness freshness = new Freshness(maxAgeNanos, stats, lane.ring(), maxLiveBacklog(ringSize));
        TaskStages task = TaskStages.of(config, model, sig, cameras, freshness, stats, detectionsOut);
        for (int i : cameras) {
            rules[i] = task.rules()[i];
        }
        List<Lane.Stage> sinks = new ArrayList<>();
        sinks.add(new Lane.Stage(AlarmSinkHandler.NAME, new AlarmSinkHandler(eventLog,
                new SnapshotWriter(Path.of(config.sinks().snapshotsDir()), task.snapshots()), mqtt, latency,
                options.listener())));
        if (task.resultsLog() != null) {
            sinks.add(task.resultsLog());
        }
        lane.then(task.preprocess())
                .then(new Lane.Stage(InferenceHandler.NAME, new InferenceHandler(engine, factory.inputArena(),
                        factory.outputArenas(), model.batchSize(), stats, freshness, ageAtInference),
                        model.batchSize()))
                .then(task.decode())
                .then(new Lane.Stage(AlarmHandler.NAME, alarmStage(config, name, lane, cameras, rules, task.rules(),
                        lastSeq)))
                .then(sinks.toArray(Lane.Stage[]::new));
        lanes.add(lane);
        try {
            return lane.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while lane " + name + " started", e);
        }
    }

    /**
     * A live frame is shed (oldest first) when more than half a ring of newer frames was captured
     * after it: the other half takes what the cameras deliver during one engine call, so capture
     * finds room for the newest frames instead of dropping them.
     */
    private static long maxLiveBacklog(int ringSize) {
        return Math.max(1, ringSize / 2);
    }

    /**
     * The alarm stage of a lane; a reload hands it new rules.
     *
     * @param rules     every camera's rules, by camera index (shared by the lanes at the start)
     * @param laneRules the rules of this lane's cameras, as its task built them
     */
    private AlarmHandler alarmStage(LinewatchConfig config, String model, Lane lane, List<Integer> cameras,
                                    AlarmRule[][] rules, AlarmRule[][] laneRules, long[] lastSeq) {
        AlarmHandler handler = new AlarmHandler(config.site(), rules, lastSeq, stats);
        laneAlarms.add(new LaneAlarms(model, lane, List.copyOf(cameras), handler, laneRules));
        return handler;
    }

    /** A camera's running capture: its thread, how to stop it, and its live loop (null for a file). */
    private record CameraCapture(Thread thread, Runnable stop, LiveCapture live) {
    }

    private void startCapture(CameraConfig camera, int index, FrameSource source, RingBuffer<FrameEvent> ring,
                              Options options) {
        Runnable capture;
        Runnable stop;
        LiveCapture liveLoop = null;
        if (source instanceof LiveFrameSource live) {
            liveLoop = new LiveCapture(index, camera, live, ring, stats.get(index), cameraStates);
            watchdog.watch(liveLoop);
            capture = liveLoop;
            stop = liveLoop::stop;
            LOG.info("camera {}: {} live, slots for {}x{}, stalled after {} ms without a frame", camera.id(),
                    live.where(), camera.slotWidth(), camera.slotHeight(), camera.stallTimeoutMs());
        } else {
            CaptureLoop loop = fileCapture(camera, index, source, ring, options);
            capture = loop;
            stop = loop::stop;
        }
        Thread thread = new Thread(capture, "lw-capture-" + camera.id());
        thread.setDaemon(true);
        captures.put(index, new CameraCapture(thread, stop, liveLoop));
        thread.start();
    }

    private CaptureLoop fileCapture(CameraConfig camera, int index, FrameSource source, RingBuffer<FrameEvent> ring,
                                    Options options) {
        boolean realtime = paced(camera, options);
        double paceFps = realtime ? source.frameRate() * options.speed() : 0;
        CaptureLoop loop = new CaptureLoop(index, camera.id(), source, paceFps, options.framesPerCamera(), ring,
                stats.get(index), fileStates.get(camera.id()));
        LOG.info("camera {}: {} {}x{} at {} fps, {}", camera.id(), camera.source(), source.width(), source.height(),
                String.format(java.util.Locale.ROOT, "%.2f", source.frameRate()), realtime ? "realtime" : "as fast as possible");
        return loop;
    }

    /** Time spent per stage, lane by lane. */
    public List<StageStats> stageStats() {
        return lanes.stream().flatMap(l -> l.stageStats().stream()).toList();
    }

    /** Per-camera counters, in config order. */
    public List<CameraStats> stats() {
        return stats;
    }

    /** Capture-to-publish latency of every frame that reached the alarm sinks. */
    public LatencyStats latency() {
        return latency;
    }

    /** Age of each inferred frame (capture to the start of its engine call). */
    public LatencyStats ageAtInference() {
        return ageAtInference;
    }

    /** The state of every camera's source, with its change notifications. */
    public CameraStates cameraStates() {
        return cameraStates;
    }

    /** The MQTT outbox, or null when MQTT is off. */
    public Outbox outbox() {
        return outbox;
    }

    /** The local HTTP endpoint, or null when it is off. */
    public OpsServer ops() {
        return ops;
    }

    /** The MQTT publisher, or null when MQTT is off. */
    public MqttPublisher mqtt() {
        return mqtt;
    }

    /** Waits until every finite source has ended (forever for looped or live ones). */
    public void awaitSources() throws InterruptedException {
        for (CameraCapture c : captures.values()) {
            c.thread().join();
        }
    }

    /** A lane's ring: its slots, and the frames in it that its slowest stage has not finished. */
    public record RingDepth(String lane, int slots, long depth) {
    }

    /** Every lane's ring depth, now. */
    public List<RingDepth> ringDepths() {
        return lanes.stream().map(l -> new RingDepth(l.name(), l.ring().getBufferSize(), l.depth())).toList();
    }

    // --- reload ------------------------------------------------------------------------------

    /**
     * What a reload did.
     *
     * @param restartNeeded the new config needs the daemon restarted; nothing was changed
     * @param summary       what changed in place, or why the daemon must restart
     */
    public record Reload(boolean restartNeeded, String summary) {
    }

    /**
     * Takes a new config in place where it can (see {@link ReloadPlan}): each lane's alarm stage gets
     * its cameras' rules rebuilt (a rule whose settings did not change stays, with its state), and a
     * camera whose source changed gets a new capture thread on its lane while the others stream on;
     * its rules start afresh. When the daemon must restart instead, changes nothing and says why.
     * Any thread; one reload at a time, never during {@link #close()}.
     *
     * @throws StartupException the new config cannot be taken (a new file that cannot open); the
     *                          running one stays, unchanged
     */
    public synchronized Reload reload(LinewatchConfig next) throws StartupException {
        if (closed) {
            throw new StartupException("the pipeline is stopping", null);
        }
        ReloadPlan plan = ReloadPlan.between(config, next, maxFrameAgeNanos(config, options),
                maxFrameAgeNanos(next, options), changedModelFiles());
        if (plan.needsRestart()) {
            return new Reload(true, String.join("; ", plan.restartReasons()));
        }
        Map<Integer, FrameSource> sources = new LinkedHashMap<>();
        String restart;
        Map<LaneAlarms, AlarmRule[][]> rules = new LinkedHashMap<>();
        try {
            restart = prepareSources(next, plan.camerasToRestart(), sources);
            for (LaneAlarms lane : laneAlarms) {
                rules.put(lane, ReloadPlan.keepUnchanged(lane.installed,
                        TaskStages.laneRules(next, next.models().get(lane.model), lane.cameras), lane.cameras, sources.keySet()));
            }
        } catch (StartupException | RuntimeException e) {
            closeAll(sources.values());
            throw e instanceof StartupException s ? s : new StartupException(e.getMessage(), e);
        }
        if (restart != null) {
            closeAll(sources.values());
            return new Reload(true, restart);
        }
        sources.keySet().forEach(this::stopCapture);
        rules.forEach((lane, laneRules) -> {
            boolean restarted = lane.cameras.stream().anyMatch(sources::containsKey);
            lane.handler.replaceRules(laneRules, restarted ? lane.lane.ring().getCursor() : -1);
            lane.installed = laneRules;
        });
        sources.forEach((i, source) -> restartCapture(next.cameras().get(i), i, source));
        config = next;
        return new Reload(false, plan.summary(next));
    }

    /** A lane's alarm stage, its cameras and the rules it was last given. Guarded by the pipeline. */
    private static final class LaneAlarms {
        final String model;
        final Lane lane;
        final List<Integer> cameras;
        final AlarmHandler handler;
        AlarmRule[][] installed;

        LaneAlarms(String model, Lane lane, List<Integer> cameras, AlarmHandler handler, AlarmRule[][] installed) {
            this.model = model;
            this.lane = lane;
            this.cameras = cameras;
            this.handler = handler;
            this.installed = installed;
        }
    }

    /**
     * Opens the new sources of the cameras a reload restarts: files now, so that one that cannot
     * open refuses the reload; live cameras connect on their capture thread, as at the start.
     *
     * @return why the daemon must restart instead (a camera without a running lane, frames larger
     *         than its lane's slots), or null
     */
    private String prepareSources(LinewatchConfig next, List<Integer> cameras, Map<Integer, FrameSource> out)
            throws StartupException {
        for (int i : cameras) {
            CameraConfig camera = next.cameras().get(i);
            RingBuffer<FrameEvent> ring = ringByCamera.get(i);
            if (ring == null) {
                return "camera " + camera.id() + ": its model's lane is not running";
            }
            FrameSource source = camera.kind().live() ? new LiveFrameSource(camera, pixelFormat(next, camera))
                    : new FileFrameSource(camera.id(), Path.of(camera.source()), camera.loop(),
                            pixelFormat(next, camera), camera.frameRate());
            out.put(i, source);
            if (!camera.kind().live()) {
                try {
                    source.open();
                } catch (CaptureException e) {
                    throw new StartupException(e.getMessage(), e);
                }
            }
            int slotBytes = ring.get(0).pixels.length;
            if (slotPixelBytes(camera, source) > slotBytes) {
                return "camera " + camera.id() + ": the new source's frames need " + slotPixelBytes(camera, source)
                        + " bytes, more than its lane's slots hold (" + slotBytes + ")";
            }
        }
        return null;
    }

    /** Stops a camera's capture and waits for its thread; its frames already in the ring go on. */
    private void stopCapture(int index) {
        CameraCapture c = captures.remove(index);
        if (c == null) {
            return;
        }
        c.stop().run();
        try {
            c.thread().join(CAPTURE_STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (c.live() != null) {
            watchdog.unwatch(c.live());
        }
        if (c.thread().isAlive()) {
            LOG.warn("{}: the old capture did not stop within {} ms; a new one starts beside it", c.thread().getName(),
                    CAPTURE_STOP_MILLIS);
        }
    }

    private void restartCapture(CameraConfig camera, int index, FrameSource source) {
        if (!camera.kind().live()) {
            SourceStateMachine state = new SourceStateMachine(camera.id(), cameraStates);
            fileStates.put(camera.id(), state);
            state.moveTo(SourceState.CONNECTING, "opening " + camera.source());
        }
        startCapture(camera, index, source, ringByCamera.get(index), options);
    }

    /** Models whose file is not the size and time it was at the start. */
    private java.util.Set<String> changedModelFiles() {
        java.util.Set<String> changed = new java.util.HashSet<>();
        modelFiles.forEach((name, stamp) -> {
            ModelConfig model = config.models().get(name);
            if (model != null && !stamp.equals(fileStamp(model.path()))) {
                changed.add(name);
            }
        });
        return changed;
    }

    private static String fileStamp(String path) {
        try {
            Path file = Path.of(path);
            return java.nio.file.Files.size(file) + "@" + java.nio.file.Files.getLastModifiedTime(file).toMillis();
        } catch (IOException | RuntimeException e) {
            return "unreadable";
        }
    }

    /** Stops capture, drains every accepted frame through all stages, then closes sinks and engines. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        captures.values().forEach(c -> c.stop().run());
        try {
            for (CameraCapture c : captures.values()) {
                c.thread().join(CAPTURE_STOP_MILLIS);
            }
            watchdog.close();
            for (Lane lane : lanes) {
                lane.drainAndStop(DRAIN_TIMEOUT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (mqtt != null) {
            mqtt.close();
        }
        closeQuietly(outbox);
        closeQuietly(eventLog);
        closeQuietly(ops);
        closeQuietly(detectionsOut);
        engines.forEach(InferenceEngine::close);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.error("closing {}: {}", c, e.getMessage());
        }
    }

    private static void closeAll(FrameSource[] sources) {
        for (FrameSource s : sources) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** Closes sources a reload opened and will not use. */
    private static void closeAll(java.util.Collection<FrameSource> sources) {
        for (FrameSource s : sources) {
            if (s instanceof LiveFrameSource live) {
                live.dispose();
            } else if (s != null) {
                s.close();
            }
        }
    }

    private static List<String> cameraIds(LinewatchConfig config, List<Integer> indexes) {
        return indexes.stream().map(i -> config.cameras().get(i).id()).toList();
    }
}
