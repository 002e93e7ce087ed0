package io.linewatch.daemon;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.DefectAlarmConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.NmsConfig;
import io.linewatch.config.PartsConfig;
import io.linewatch.config.PreprocessConfig;
import io.linewatch.config.SegmentationConfig;
import io.linewatch.inference.ModelMetadata;
import io.linewatch.inference.ModelSignature;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalTrend;
import io.linewatch.postprocess.AlarmRule;
import io.linewatch.postprocess.DefectRegionFinder;
import io.linewatch.postprocess.DefectRule;
import io.linewatch.postprocess.DetectHandler;
import io.linewatch.postprocess.DetectionRule;
import io.linewatch.postprocess.InstanceMasks;
import io.linewatch.postprocess.InstanceSegmentHandler;
import io.linewatch.postprocess.Nms;
import io.linewatch.postprocess.ObjectRule;
import io.linewatch.postprocess.PartHandler;
import io.linewatch.postprocess.SegmentHandler;
import io.linewatch.postprocess.TemperatureRules;
import io.linewatch.postprocess.ThermalDecodeHandler;
import io.linewatch.postprocess.ThermalHeads;
import io.linewatch.postprocess.TrackHandler;
import io.linewatch.postprocess.YoloDecoder;
import io.linewatch.postprocess.YoloDecoders;
import io.linewatch.preprocess.LetterboxResampler;
import io.linewatch.preprocess.PreprocessHandler;
import io.linewatch.preprocess.ThermalPreprocessHandler;
import io.linewatch.sinks.DefectSnapshot;
import io.linewatch.sinks.DetectionLogHandler;
import io.linewatch.sinks.FrameLines;
import io.linewatch.sinks.DetectionSnapshot;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.RegionLogHandler;
import io.linewatch.sinks.SnapshotRenderer;
import io.linewatch.sinks.ThermalLogHandler;
import io.linewatch.sinks.ThermalSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * What one task puts into a lane: a maker of the stage before inference (one per preprocess thread,
 * each given its own frame gate), the decode stage after it, the track
 * stage after that (detection lanes; null for the others), the alarm
 * rules of each of the lane's cameras (by camera index; null for the other cameras), a maker of
 * snapshot renderers (one per thread that draws), the stage writing each frame's results for
 * {@code replay --detections} and the clip sidecars (null when there is neither), on inspection
 * lanes whose cameras judge parts the part stage, each camera's parts config (null for cameras
 * without) and the renderer of the verdicts' snapshots (all three null otherwise), and the stage
 * publishing each region's decided state (classification lanes with MQTT; null for the others).
 * Built once per lane by {@link ModelLane}, which wires the stages; the
 * rules are rebuilt by {@link #laneRules} on a reload. Every branch on a model's task is here: its
 * stages, rules, slot contents, pixel format and counter label.
 */
record TaskStages(java.util.function.Function<Freshness, Lane.Stage> preprocess, Lane.Stage decode, Lane.Stage track,
                  AlarmRule[][] rules,
                  java.util.function.Supplier<SnapshotRenderer> snapshots, Lane.Stage resultsLog, Lane.Stage parts,
                  PartsConfig[] partsByCamera, DefectSnapshot partSnapshots, Lane.Stage regionStates) {

    TaskStages(java.util.function.Function<Freshness, Lane.Stage> preprocess, Lane.Stage decode, Lane.Stage track,
               AlarmRule[][] rules,
               java.util.function.Supplier<SnapshotRenderer> snapshots, Lane.Stage resultsLog, Lane.Stage parts,
               PartsConfig[] partsByCamera, DefectSnapshot partSnapshots) {
        this(preprocess, decode, track, rules, snapshots, resultsLog, parts, partsByCamera, partSnapshots, null);
    }

    /**
     * The stages of {@code model}'s task for a lane of {@code cameras}.
     *
     * @param log where each frame's results go ({@code replay --detections}, clip sidecars), or null
     */
    static TaskStages of(LinewatchConfig config, ModelConfig model, ModelSignature sig, ModelMetadata metadata,
                         List<Integer> cameras, List<CameraStats> stats,
                         FrameLines log, MqttPublisher mqtt, ThermalTrend trend) throws StartupException {
        return switch (model.task()) {
            case DETECTION -> detectionStages(config, model, sig, metadata, cameras, stats, log);
            case THERMAL -> thermalStages(config, model, sig, cameras, log, trend);
            case SEGMENTATION -> segmentationStages(config, model, sig, metadata, cameras, stats, log);
            case CLASSIFICATION -> ClassificationStages.of(config, model, sig, cameras, log, mqtt);
        };
    }

    /**
     * The slots of a lane of {@code model}: its frames, its tensors ({@code imagesPerSlot} images
     * each) and its task's results.
     */
    static FrameEventFactory slots(LinewatchConfig config, ModelConfig model, ModelSignature sig, List<Integer> cameras,
                                   int ringSize, int pixelCapacity, int imagesPerSlot) {
        int[] outputs = sig.outputFloatsEach();
        for (int o = 0; o < outputs.length; o++) {
            outputs[o] *= imagesPerSlot;
        }
        FrameEventFactory factory = new FrameEventFactory(ringSize, pixelCapacity, sig.inputFloats() * imagesPerSlot,
                outputs, model.nms().maxDetections());
        switch (model.task()) {
            case CLASSIFICATION -> factory.classification(imagesPerSlot, model.classes().size());
            case SEGMENTATION -> factory.withDefectRegions(model.segmentation().maxRegions())
                    .parts(maxPartsInView(config, cameras));
            case THERMAL -> factory.thermal(model.thermal().maxHotspots());
            case DETECTION -> factory.tracks(model.tracker().maxTracks());
        }
        return factory;
    }

    /**
     * The pixels a camera of {@code model} delivers: 16-bit radiometric counts for thermal; the
     * decoder's I420 planes for detection (only the letterbox reads every frame, and it converts
     * colour where it samples; snapshots and live pictures convert on demand); BGR for the tasks
     * whose stages read full-size colour on every frame (parts, crops).
     */
    static FrameEvent.PixelFormat pixelFormat(ModelConfig model) {
        if (model == null) {
            return FrameEvent.PixelFormat.BGR24;
        }
        return switch (model.task()) {
            case THERMAL -> FrameEvent.PixelFormat.GRAY16;
            case DETECTION -> FrameEvent.PixelFormat.I420;
            case SEGMENTATION, CLASSIFICATION -> FrameEvent.PixelFormat.BGR24;
        };
    }

    /** What a camera's {@code detections} counter counts, by its model's task (null: nothing). */
    static String detectionsLabel(ModelConfig model) {
        if (model == null) {
            return "detections";
        }
        return switch (model.task()) {
            case DETECTION -> "detections";
            case SEGMENTATION -> "defect regions";
            case THERMAL, CLASSIFICATION -> null;
        };
    }

    /** A start error unless the model's input has {@code channels} channels, as its task needs. */
    static void requireChannels(ModelConfig model, ModelSignature sig, int channels) throws StartupException {
        if (sig.channels() != channels) {
            throw new StartupException("model " + model.path() + ": input '" + sig.inputName() + "' has "
                    + sig.channels() + " channel" + (sig.channels() == 1 ? "" : "s") + "; a "
                    + model.task().name().toLowerCase(java.util.Locale.ROOT) + " model needs [batch, " + channels
                    + ", height, width]", null);
        }
    }

    private static TaskStages detectionStages(LinewatchConfig config, ModelConfig model, ModelSignature sig,
                                              ModelMetadata metadata, List<Integer> cameras,
                                              List<CameraStats> stats, FrameLines log)
            throws StartupException {
        requireChannels(model, sig, 3);
        YoloDecoders.Plan plan = layout(model, sig, metadata);
        if (!plan.boxes()) {
            throw new StartupException("model " + model.path() + ": its output " + sig.outputs().get(0)
                    + " is a classification layout (class scores, no boxes); a detection model needs boxes", null);
        }
        YoloDecoder decoder = YoloDecoders.decoder(plan, model.classes().size(), sig.outputs().get(plan.output()).dims());
        NmsConfig nms = model.nms();
        // An end-to-end head kept one box per object: an IoU above 1 never happens, so NMS only orders and caps.
        float iou = plan.needsNms() ? nms.iouThreshold().floatValue() : 1f;
        return new TaskStages(
                gate -> new Lane.Stage(PreprocessHandler.NAME, new PreprocessHandler(resampler(sig, model.preprocess()), gate)),
                new Lane.Stage(DetectHandler.NAME, new DetectHandler(decoder,
                        new Nms(iou, nms.classAgnostic(), nms.maxDetections(), decoder.anchors()), thresholds(model),
                        stats)),
                new Lane.Stage(TrackHandler.NAME, new TrackHandler(model.tracker(), nms.maxDetections(),
                        config.cameras().size(), cameras)),
                detectionRules(config, cameras),
                () -> new DetectionSnapshot(model.classes()),
                log == null ? null : new Lane.Stage(DetectionLogHandler.NAME, new DetectionLogHandler(log, model.classes())),
                null, null, null);
    }

    /** The model's output layout: as configured, or decided from its outputs and metadata ({@code auto}). */
    static YoloDecoders.Plan layout(ModelConfig model, ModelSignature sig, ModelMetadata metadata)
            throws StartupException {
        try {
            return YoloDecoders.plan(model.layout(), model.classes().size(),
                    sig.outputs().stream().map(ModelSignature.Output::dims).toList(), metadata.end2end());
        } catch (IllegalArgumentException e) {
            throw new StartupException("model " + model.path() + ": " + e.getMessage(), e);
        }
    }

    /** The output a segmentation model must have: per-class probabilities {@code [B, C, H, W]}. */
    private static final String MASK_OUTPUT = "mask";

    private static TaskStages segmentationStages(LinewatchConfig config, ModelConfig model, ModelSignature sig,
                                                 ModelMetadata metadata, List<Integer> cameras,
                                                 List<CameraStats> stats, FrameLines log)
            throws StartupException {
        requireChannels(model, sig, 3);
        if (model.layout() == ModelConfig.Layout.YOLOV8_SEG) {
            return instanceStages(config, model, sig, layout(model, sig, metadata), cameras, stats, log);
        }
        if (model.layout() == ModelConfig.Layout.AUTO && sig.outputIndex(MASK_OUTPUT) < 0) {
            YoloDecoders.Plan plan = instancePlan(model, sig, metadata);
            if (plan != null) {
                return instanceStages(config, model, sig, plan, cameras, stats, log);
            }
        }
        int mask = maskOutput(model, sig);
        SegmentationConfig seg = model.segmentation();
        float threshold = seg.threshold().floatValue();
        DefectRegionFinder finder = new DefectRegionFinder(model.classes().size(), sig.height(), sig.width(),
                threshold, seg.minAreaPx(), seg.maxRegions());
        PartsConfig[] parts = partsByCamera(config, cameras);
        float[] mmPerPixel = mmPerPixel(config);
        return new TaskStages(
                gate -> new Lane.Stage(PreprocessHandler.NAME, new PreprocessHandler(resampler(sig, model.preprocess()), gate)),
                new Lane.Stage(SegmentHandler.NAME, new SegmentHandler(finder, mask, sig.width(), sig.height(),
                        mmPerPixel, stats)),
                null,
                defectRules(config, cameras),
                () -> new DefectSnapshot(model.classes(), mask, sig.width(), sig.height(), threshold),
                log == null ? null : new Lane.Stage(RegionLogHandler.NAME, new RegionLogHandler(log, model.classes(),
                        mask, sig.width(), sig.height(), threshold)),
                parts == null ? null : new Lane.Stage(PartHandler.NAME, new PartHandler(parts, cameras, seg.maxRegions())),
                parts,
                parts == null ? null : new DefectSnapshot(model.classes(), mask, sig.width(), sig.height(), threshold));
    }

    /** Each camera's parts config by camera index, null for cameras without; null when none of the lane's has one. */
    private static PartsConfig[] partsByCamera(LinewatchConfig config, List<Integer> cameras) {
        PartsConfig[] parts = new PartsConfig[config.cameras().size()];
        boolean any = false;
        for (int i : cameras) {
            parts[i] = config.cameras().get(i).inspection().parts();
            any |= parts[i] != null;
        }
        return any ? parts : null;
    }

    /** The most parts in view any of the lane's cameras keeps (0: none judges parts). */
    private static int maxPartsInView(LinewatchConfig config, List<Integer> cameras) {
        int max = 0;
        for (int i : cameras) {
            PartsConfig parts = config.cameras().get(i).inspection().parts();
            max = Math.max(max, parts == null ? 0 : parts.maxParts());
        }
        return max;
    }

    /**
     * An inspection lane on an instance segmentation export ({@code yolov8_seg}): each instance's
     * mask is a defect region; snapshots draw the regions' boxes (no per-pixel overlay) and the
     * regions log has no mask runs.
     */
    private static TaskStages instanceStages(LinewatchConfig config, ModelConfig model, ModelSignature sig,
                                             YoloDecoders.Plan plan, List<Integer> cameras,
                                             List<CameraStats> stats, FrameLines log) {
        long[] protos = sig.outputs().get(plan.prototypes()).dims();
        YoloDecoder decoder = YoloDecoders.decoder(plan, model.classes().size(), sig.outputs().get(0).dims());
        SegmentationConfig seg = model.segmentation();
        NmsConfig nms = model.nms();
        InstanceMasks masks = new InstanceMasks(model.classes().size(), decoder.anchors(), (int) protos[1],
                (int) protos[2], sig.height(), sig.width(), seg.threshold().floatValue());
        return new TaskStages(
                gate -> new Lane.Stage(PreprocessHandler.NAME, new PreprocessHandler(resampler(sig, model.preprocess()), gate)),
                new Lane.Stage(InstanceSegmentHandler.NAME, new InstanceSegmentHandler(decoder,
                        new Nms(nms.iouThreshold().floatValue(), nms.classAgnostic(), nms.maxDetections(),
                                decoder.anchors()), thresholds(model), masks, plan.prototypes(), sig.width(),
                        sig.height(), seg.minAreaPx(), seg.maxRegions(), mmPerPixel(config), stats)),
                null,
                defectRules(config, cameras),
                () -> new DefectSnapshot(model.classes(), -1, sig.width(), sig.height(), seg.threshold().floatValue()),
                log == null ? null : new Lane.Stage(RegionLogHandler.NAME, new RegionLogHandler(log, model.classes(),
                        -1, sig.width(), sig.height(), seg.threshold().floatValue())),
                null, null, null);
    }

    /** The plan of an instance segmentation export, or null when the outputs are not one. */
    private static YoloDecoders.Plan instancePlan(ModelConfig model, ModelSignature sig, ModelMetadata metadata) {
        try {
            YoloDecoders.Plan plan = layout(model, sig, metadata);
            return plan.layout() == ModelConfig.Layout.YOLOV8_SEG ? plan : null;
        } catch (StartupException e) {
            return null; // not a known layout: the mask output's check below says what is expected
        }
    }

    private static float[] mmPerPixel(LinewatchConfig config) {
        float[] mmPerPixel = new float[config.cameras().size()];
        for (int i = 0; i < mmPerPixel.length; i++) {
            mmPerPixel[i] = config.cameras().get(i).inspection().mmPerPixel().floatValue();
        }
        return mmPerPixel;
    }

    /**
     * The index of a segmentation model's {@code mask} output; a start error unless it is there with
     * one channel per configured class at the input's height and width.
     */
    private static int maskOutput(ModelConfig model, ModelSignature sig) throws StartupException {
        int index = sig.outputIndex(MASK_OUTPUT);
        if (index < 0) {
            throw new StartupException("model " + model.path() + ": a mask model needs an output named '" + MASK_OUTPUT
                    + "' [B, classes, height, width]; its outputs are " + sig.outputs(), null);
        }
        long[] dims = sig.outputs().get(index).dims();
        long[] expected = {model.classes().size(), sig.height(), sig.width()};
        if (!java.util.Arrays.equals(dims, expected)) {
            throw new StartupException("model " + model.path() + ": a mask model with an unexpected output shape: "
                    + sig.outputs().get(index) + ", expected " + MASK_OUTPUT + "[B," + expected[0] + "," + expected[1]
                    + "," + expected[2] + "] (" + model.classes().size() + " classes " + model.classes() + ", input "
                    + sig.width() + "x" + sig.height() + ")", null);
        }
        return index;
    }

    /** The defect rules watching each of {@code cameras}, by camera index (null for other cameras). */
    private static AlarmRule[][] defectRules(LinewatchConfig config, List<Integer> cameras) {
        AlarmRule[][] rules = new AlarmRule[config.cameras().size()][];
        for (int i : cameras) {
            CameraConfig camera = config.cameras().get(i);
            ModelConfig model = config.models().get(camera.model());
            List<String> classes = model.classes();
            List<AlarmRule> forCamera = new ArrayList<>();
            for (DefectAlarmConfig rule : config.defectAlarms()) {
                boolean watches = rule.cameras().isEmpty() || rule.cameras().contains(camera.id());
                if (watches && (rule.className() == null || classes.contains(rule.className()))) {
                    int classId = rule.className() == null ? DefectRule.ANY_CLASS : classes.indexOf(rule.className());
                    forCamera.add(new DefectRule(rule, classId, classes, model.segmentation().maxRegions()));
                }
            }
            rules[i] = forCamera.toArray(AlarmRule[]::new);
        }
        return rules;
    }

    /**
     * A thermal lane: counts to normalised object temperature by each camera's calibration, the
     * model's temperatures and heat map decoded into hotspots and zone statistics, the temperature
     * rules of each camera, false-colour snapshots.
     */
    private static TaskStages thermalStages(LinewatchConfig config, ModelConfig model, ModelSignature sig,
                                            List<Integer> cameras, FrameLines log,
                                            ThermalTrend trend) throws StartupException {
        requireChannels(model, sig, 1);
        ThermalHeads heads;
        try {
            heads = ThermalHeads.find(sig.outputs().stream().map(ModelSignature.Output::name).toList(),
                    sig.outputs().stream().map(ModelSignature.Output::dims).toList(), sig.width(), sig.height());
        } catch (IllegalArgumentException e) {
            throw new StartupException("model " + model.path() + ": " + e.getMessage(), e);
        }
        ThermalCalibration[] calibrations = thermalCalibrations(config, cameras);
        return new TaskStages(
                gate -> new Lane.Stage(ThermalPreprocessHandler.NAME, new ThermalPreprocessHandler(sig.width(),
                        sig.height(), model.thermal(), calibrations, gate)),
                new Lane.Stage(ThermalDecodeHandler.NAME, new ThermalDecodeHandler(heads, model.thermal(),
                        calibrations)),
                null,
                TemperatureRules.build(config.temperatureAlarms(), config.cameras(), cameras, calibrations, trend),
                () -> new ThermalSnapshot(calibrations, liveZones(config, cameras)),
                log == null ? null : new Lane.Stage(ThermalLogHandler.NAME, new ThermalLogHandler(log)),
                null, null, null);
    }

    /**
     * The zones the temperature rules watch on each of a thermal lane's cameras, by camera index (a rule
     * without cameras watches every thermal camera; whole-frame rules draw nothing; a polygon two rules
     * share is drawn once).
     */
    private static List<List<ThermalSnapshot.Zone>> liveZones(LinewatchConfig config, List<Integer> cameras) {
        List<List<ThermalSnapshot.Zone>> zones = new java.util.ArrayList<>();
        for (int i = 0; i < config.cameras().size(); i++) {
            String id = config.cameras().get(i).id();
            List<ThermalSnapshot.Zone> mine = new java.util.ArrayList<>();
            if (cameras.contains(i)) {
                for (var rule : config.temperatureAlarms()) {
                    boolean watches = rule.cameras().isEmpty() || rule.cameras().contains(id);
                    if (watches && rule.zoned() && mine.stream().noneMatch(z -> z.polygon().equals(rule.zone()))) {
                        mine.add(new ThermalSnapshot.Zone(rule.zoneName(), rule.zone()));
                    }
                }
            }
            zones.add(List.copyOf(mine));
        }
        return zones;
    }

    /** The calibration of each of a thermal lane's cameras, by camera index (null for other cameras). */
    private static ThermalCalibration[] thermalCalibrations(LinewatchConfig config, List<Integer> cameras) {
        ThermalCalibration[] calibrations = new ThermalCalibration[config.cameras().size()];
        for (int i : cameras) {
            calibrations[i] = new ThermalCalibration(config.cameras().get(i).thermal());
        }
        return calibrations;
    }

    private static LetterboxResampler resampler(ModelSignature sig, PreprocessConfig p) {
        return LetterboxResampler.of(sig.width(), sig.height(), p);
    }

    private static float[] thresholds(ModelConfig model) {
        float[] t = new float[model.classes().size()];
        for (int c = 0; c < t.length; c++) {
            t[c] = (float) model.nms().confidenceFor(model.classes().get(c));
        }
        return t;
    }

    /**
     * The alarm rules of a lane's cameras for its model's task, by camera index (null for other
     * cameras), built from {@code config}: what a reload rebuilds. Each task's stages build their
     * rules at the start with the same builder as here.
     */
    static AlarmRule[][] laneRules(LinewatchConfig config, ModelConfig model, List<Integer> cameras) {
        return laneRules(config, model, cameras, null);
    }

    /** As above, temperature rules drawing on their lines of {@code trend} (null: none). */
    static AlarmRule[][] laneRules(LinewatchConfig config, ModelConfig model, List<Integer> cameras, ThermalTrend trend) {
        return switch (model.task()) {
            case DETECTION -> detectionRules(config, cameras);
            case THERMAL -> TemperatureRules.build(config.temperatureAlarms(), config.cameras(), cameras,
                    thermalCalibrations(config, cameras), trend);
            case SEGMENTATION -> defectRules(config, cameras);
            case CLASSIFICATION -> ClassificationStages.rules(config, cameras);
        };
    }

    /** The detection rules watching each of {@code cameras}, by camera index (null for other cameras). */
    private static AlarmRule[][] detectionRules(LinewatchConfig config, List<Integer> cameras) {
        AlarmRule[][] rules = new AlarmRule[config.cameras().size()][];
        for (int i : cameras) {
            CameraConfig camera = config.cameras().get(i);
            List<String> classes = config.models().get(camera.model()).classes();
            List<AlarmRule> forCamera = new ArrayList<>();
            for (AlarmRuleConfig rule : config.alarms()) {
                boolean watches = rule.cameras().isEmpty() || rule.cameras().contains(camera.id());
                if (watches && classes.contains(rule.className())) {
                    int classId = classes.indexOf(rule.className());
                    forCamera.add(rule.per() == AlarmRuleConfig.Per.FRAME ? new DetectionRule(rule, classId)
                            : new ObjectRule(rule, classId, config.models().get(camera.model()).tracker().maxTracks()));
                }
            }
            rules[i] = forCamera.toArray(AlarmRule[]::new);
        }
        return rules;
    }
}
