package io.linewatch.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Checks what the records alone cannot: references between sections and required fields. */
final class ConfigValidator {

    /** What a thermal V4L2 camera's {@code input_format} may say: Y16, by V4L2's or FFmpeg's name. */
    private static final Set<String> V4L2_Y16 = Set.of("y16", "gray16le");

    private ConfigValidator() {
    }

    static LinewatchConfig validate(String origin, LinewatchConfig config) throws ConfigException {
        require(config.site().matches(Identity.ID_PATTERN), origin + ": site: '" + config.site()
                + "' may hold only letters, digits, '_', '.' and '-' (it is a level of every MQTT topic)");
        require(config.node().matches(Identity.ID_PATTERN), origin + ": node: '" + config.node()
                + "' may hold only letters, digits, '_', '.' and '-' (it is a level of every MQTT topic)");
        if (config.models().isEmpty()) {
            throw new ConfigException(origin + ": models: at least one model is needed");
        }
        for (Map.Entry<String, ModelConfig> entry : config.models().entrySet()) {
            validateModel(origin, "models." + entry.getKey(), entry.getValue());
        }
        Set<String> cameraIds = new HashSet<>();
        for (int i = 0; i < config.cameras().size(); i++) {
            CameraConfig camera = config.cameras().get(i);
            String at = origin + ": cameras[" + i + "]";
            require(camera.id() != null && !camera.id().isBlank(), at + ".id: is required");
            require(camera.id().matches(Identity.ID_PATTERN),
                    at + ".id: '" + camera.id() + "' may hold only letters, digits, '_', '.' and '-'");
            require(cameraIds.add(camera.id()), at + ".id: '" + camera.id() + "' is used twice");
            require(camera.source() != null && !camera.source().isBlank(), at + ".source: is required");
            require(camera.model() != null, at + ".model: is required");
            require(config.models().containsKey(camera.model()), at + ".model: no model named '"
                    + camera.model() + "' (models: " + config.models().keySet() + ")");
            validateLive(at, camera);
            validateInferenceGate(at, camera);
            validateThermalCamera(at, camera, config.models().get(camera.model()));
            validateCounters(at, camera, config.models().get(camera.model()));
            validateParts(at, camera, config.models().get(camera.model()));
            validateRegions(at, camera, config.models().get(camera.model()));
        }
        for (int i = 0; i < config.alarms().size(); i++) {
            AlarmRuleConfig rule = config.alarms().get(i);
            String at = origin + ": alarms[" + i + "]";
            require(rule.name() != null && !rule.name().isBlank(), at + ".name: is required");
            require(rule.className() != null, at + ".class: is required");
            boolean known = config.models().values().stream().anyMatch(m -> m.classes().contains(rule.className()));
            require(known, at + ".class: no model has a class named '" + rule.className() + "'");
            for (String camera : rule.cameras()) {
                require(cameraIds.contains(camera) || config.cameras().isEmpty(),
                        at + ".cameras: no camera named '" + camera + "'");
            }
        }
        require(!config.sinks().sparkplug().enabled() || config.mqtt().enabled(), origin + ": sinks.sparkplug.enabled:"
                + " the Sparkplug B edge node publishes to the broker of the mqtt section, which is off (mqtt.enabled: false)");
        validateTemperatureAlarms(origin, config);
        validateHttp(origin, config.http());
        validateOpcUa(origin, config.opcua());
        Set<String> defectRuleNames = new HashSet<>();
        for (int i = 0; i < config.defectAlarms().size(); i++) {
            DefectAlarmConfig rule = config.defectAlarms().get(i);
            String at = origin + ": defect_alarms[" + i + "]";
            validateDefectAlarm(at, config, rule);
            require(defectRuleNames.add(rule.name()), at + ".name: '" + rule.name() + "' is used twice");
        }
        validateStateAlarms(origin, config);
        validateTensorRtImages(origin, config);
        return config;
    }

    /**
     * A classification lane's engine call takes 1 to batch_size frames of its cameras' most regions
     * (one image each): on TensorRT the model's batch profile must cover one frame's images and
     * batch_size frames' images. Named by the camera with the most regions.
     */
    private static void validateTensorRtImages(String origin, LinewatchConfig config) throws ConfigException {
        for (Map.Entry<String, ModelConfig> entry : config.models().entrySet()) {
            ModelConfig model = entry.getValue();
            if (model.task() != ModelConfig.Task.CLASSIFICATION || model.engine() != ModelConfig.Engine.TENSORRT) {
                continue;
            }
            int widest = -1;
            for (int i = 0; i < config.cameras().size(); i++) {
                CameraConfig camera = config.cameras().get(i);
                if (entry.getKey().equals(camera.model()) && (widest < 0 || camera.classification().imagesPerFrame()
                        > config.cameras().get(widest).classification().imagesPerFrame())) {
                    widest = i;
                }
            }
            if (widest < 0) {
                continue;
            }
            CameraConfig camera = config.cameras().get(widest);
            int images = camera.classification().imagesPerFrame();
            int most = images * model.batchSize();
            BatchProfile profile = model.tensorrt().batchProfile(model.batchSize(), 0);
            String at = origin + ": cameras[" + widest + "] (" + camera.id() + "): " + images + " region(s) a frame";
            String field = "models." + entry.getKey() + ".tensorrt.";
            require(profile.max() >= most, at + " x batch_size " + model.batchSize() + " = " + most + " images an engine"
                    + " call, past the TensorRT batch profile's " + profile.max() + " (" + field + "max_batch: set it to"
                    + " at least " + most + ")");
            require(profile.min() <= images, at + ": one frame is an engine call of " + images + " image(s), below the"
                    + " TensorRT batch profile's " + profile.min() + " (" + field + "min_batch: set it to at most "
                    + images + ")");
        }
    }

    /**
     * Regions only on cameras of classification models; each named like a topic level, unique on its
     * camera, inside the camera's frame when the config gives its size.
     */
    private static void validateRegions(String at, CameraConfig camera, ModelConfig model) throws ConfigException {
        List<RegionConfig> regions = camera.classification().regions();
        boolean classifies = model.task() == ModelConfig.Task.CLASSIFICATION;
        require(classifies || regions.isEmpty(), at + ".classification: only for cameras of classification models;"
                + " model '" + camera.model() + "' is a " + taskName(model) + " model");
        Set<String> names = new HashSet<>();
        for (int r = 0; r < regions.size(); r++) {
            RegionConfig region = regions.get(r);
            String where = at + ".classification.regions[" + r + "]";
            require(region.name() != null && region.name().matches(Identity.ID_PATTERN), where + ".name: '"
                    + region.name() + "' is required and may hold only letters, digits, '_', '.' and '-'");
            require(names.add(region.name()), where + ".name: '" + region.name() + "' is used twice");
            require(camera.width() == null || region.x() + region.width() <= camera.width(), where + ": x + width = "
                    + (region.x() + region.width()) + " is past the frame's width " + camera.width());
            require(camera.height() == null || region.y() + region.height() <= camera.height(), where
                    + ": y + height = " + (region.y() + region.height()) + " is past the frame's height "
                    + camera.height());
        }
    }

    /**
     * Each state rule has a unique name and states; the cameras it names are classification cameras
     * whose model has those states, the regions it names are theirs.
     */
    private static void validateStateAlarms(String origin, LinewatchConfig config) throws ConfigException {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < config.stateAlarms().size(); i++) {
            StateAlarmConfig rule = config.stateAlarms().get(i);
            String at = origin + ": state_alarms[" + i + "]";
            require(rule.name() != null && !rule.name().isBlank(), at + ".name: is required");
            require(names.add(rule.name()), at + ".name: '" + rule.name() + "' is used twice");
            require(!rule.states().isEmpty(), at + ".states: name at least one state of the model");
            boolean anyModel = config.models().values().stream().anyMatch(m -> m.task() == ModelConfig.Task.CLASSIFICATION
                    && m.classes().containsAll(rule.states()));
            require(anyModel, at + ".states: " + rule.states() + " are not states of any classification model");
            for (String id : rule.cameras()) {
                CameraConfig camera = watchedCamera(at, config, id, ModelConfig.Task.CLASSIFICATION, "a classification");
                if (camera == null) {
                    continue;
                }
                ModelConfig model = config.models().get(camera.model());
                require(model.classes().containsAll(rule.states()), at + ".states: " + rule.states() + " are not all"
                        + " states " + model.classes() + " of model '" + camera.model() + "' (camera '" + id + "')");
            }
            for (String region : rule.regions()) {
                boolean known = config.cameras().isEmpty() || config.cameras().stream()
                        .anyMatch(c -> (rule.cameras().isEmpty() || rule.cameras().contains(c.id()))
                                && c.classification().regions().stream().anyMatch(r -> region.equals(r.name())));
                require(known, at + ".regions: no watched camera has a region named '" + region + "'");
            }
        }
    }

    /**
     * A defect rule watches inspection cameras (those of a segmentation model): each camera it names
     * must be one, and its class must be among the classes of the models it watches.
     */
    private static void validateDefectAlarm(String at, LinewatchConfig config, DefectAlarmConfig rule)
            throws ConfigException {
        require(rule.name() != null && !rule.name().isBlank(), at + ".name: is required");
        List<String> segmentationModels = config.models().entrySet().stream()
                .filter(m -> m.getValue().task() == ModelConfig.Task.SEGMENTATION).map(Map.Entry::getKey).toList();
        require(!segmentationModels.isEmpty(), at + ": no model has task segmentation, so no camera is an"
                + " inspection camera for this rule to watch");
        for (String id : rule.cameras()) {
            CameraConfig camera = watchedCamera(at, config, id, ModelConfig.Task.SEGMENTATION, "an inspection");
            if (camera == null) {
                continue;
            }
            ModelConfig model = config.models().get(camera.model());
            require(rule.className() == null || model.classes().contains(rule.className()), at + ".class: '"
                    + rule.className() + "' is not one of the classes " + model.classes() + " of model '"
                    + camera.model() + "' (camera '" + id + "')");
        }
        if (rule.className() != null && rule.cameras().isEmpty()) {
            boolean known = segmentationModels.stream()
                    .anyMatch(m -> config.models().get(m).classes().contains(rule.className()));
            require(known, at + ".class: '" + rule.className() + "' is not a class of any segmentation model "
                    + segmentationModels.stream().map(m -> m + " " + config.models().get(m).classes()).toList());
        }
    }

    /** A thermal section only on cameras of thermal models, whose frames must be radiometric. */
    private static void validateThermalCamera(String at, CameraConfig camera, ModelConfig model)
            throws ConfigException {
        boolean thermal = model.task() == ModelConfig.Task.THERMAL;
        require(thermal || camera.thermal().equals(ThermalCameraConfig.defaults()), at + ".thermal: only for cameras"
                + " of thermal models; model '" + camera.model() + "' is a " + taskName(model) + " model");
        if (!thermal) {
            return;
        }
        require(camera.kind() != SourceKind.RTSP, at + ".source: a thermal camera reads 16-bit radiometric frames"
                + " from a file or a V4L2 device (Y16); RTSP video carries no radiometric data");
        require(camera.kind() != SourceKind.V4L2 || camera.width() != null, at + ": a thermal V4L2 camera needs"
                + " width and height (160 and 120 for a Lepton 3.5): the size asked of the device and its ring slots");
        require(camera.inputFormat() == null || V4L2_Y16.contains(camera.inputFormat().toLowerCase(Locale.ROOT)),
                at + ".input_format: a thermal camera reads Y16 (input_format: y16), got '" + camera.inputFormat()
                        + "'");
    }

    /** Each temperature rule has a name and watches thermal cameras that exist. */
    private static void validateTemperatureAlarms(String origin, LinewatchConfig config) throws ConfigException {
        Set<String> names = new HashSet<>();
        Set<String> thermalCameras = new HashSet<>();
        for (CameraConfig camera : config.cameras()) {
            if (config.models().get(camera.model()).task() == ModelConfig.Task.THERMAL) {
                thermalCameras.add(camera.id());
            }
        }
        for (int i = 0; i < config.temperatureAlarms().size(); i++) {
            TemperatureAlarmConfig rule = config.temperatureAlarms().get(i);
            String at = origin + ": temperature_alarms[" + i + "]";
            require(rule.name() != null && !rule.name().isBlank(), at + ".name: is required");
            require(names.add(rule.name()), at + ".name: '" + rule.name() + "' is used twice");
            require(!rule.cameras().isEmpty() || !thermalCameras.isEmpty() || config.cameras().isEmpty(),
                    at + ".cameras: no camera of a thermal model to watch");
            for (String camera : rule.cameras()) {
                boolean exists = config.cameras().stream().anyMatch(c -> c.id().equals(camera));
                require(exists || config.cameras().isEmpty(), at + ".cameras: no camera named '" + camera + "'");
                require(!exists || thermalCameras.contains(camera), at + ".cameras: camera '" + camera
                        + "' is not a thermal camera (its model's task is not thermal)");
            }
        }
    }

    /** Anonymous OPC UA sessions only on loopback: elsewhere the server needs users. */
    private static void validateOpcUa(String origin, OpcUaConfig opcua) throws ConfigException {
        if (!opcua.enabled()) {
            return;
        }
        require(!opcua.bind().isBlank(), origin + ": opcua.bind: is empty");
        require(opcua.loopback() || opcua.usersFile() != null, origin + ": opcua.users_file: required when"
                + " opcua.bind ('" + opcua.bind() + "') is not a loopback address (anonymous access is for loopback only)");
        require(!opcua.stateDir().isBlank(), origin + ": opcua.state_dir: is empty");
    }

    private static String taskName(ModelConfig model) {
        return model.task().name().toLowerCase(Locale.ROOT);
    }

    /** Counting lines: on detection cameras only, of the model's classes, with names unique on the camera. */
    private static void validateCounters(String at, CameraConfig camera, ModelConfig model) throws ConfigException {
        Set<String> names = new HashSet<>();
        for (int k = 0; k < camera.counters().size(); k++) {
            CounterConfig counter = camera.counters().get(k);
            String where = at + ".counters[" + k + "]";
            require(model.task() == ModelConfig.Task.DETECTION, where + ": counting lines need a detection model; "
                    + camera.model() + " is a " + taskName(model) + " model");
            require(names.add(counter.name()), where + ".name: '" + counter.name() + "' is used twice");
            for (String c : counter.classes()) {
                require(model.classes().contains(c), where + ".classes: '" + c + "' is not one of the model's classes "
                        + model.classes());
            }
        }
        require(camera.counters().size() <= 64, at + ".counters: at most 64 counting lines per camera");
    }

    /** Parts: on inspection cameras only; the nok rules' classes are the model's. */
    private static void validateParts(String at, CameraConfig camera, ModelConfig model) throws ConfigException {
        PartsConfig parts = camera.inspection().parts();
        if (parts == null) {
            return;
        }
        String where = at + ".inspection.parts";
        require(model.task() == ModelConfig.Task.SEGMENTATION, where + ": parts need a segmentation model; "
                + camera.model() + " is a " + taskName(model) + " model");
        for (int k = 0; k < parts.nok().size(); k++) {
            String c = parts.nok().get(k).className();
            require(c == null || model.classes().contains(c), where + ".nok[" + k + "].class: '" + c
                    + "' is not one of the model's classes " + model.classes());
        }
    }

    private static void validateLive(String at, CameraConfig camera) throws ConfigException {
        require(camera.connectTimeoutMs() >= 1, at + ".connect_timeout_ms: must be >= 1, got "
                + camera.connectTimeoutMs());
        require(camera.stallTimeoutMs() >= 100, at + ".stall_timeout_ms: must be >= 100, got "
                + camera.stallTimeoutMs());
        require(camera.reconnectMinMs() >= 1, at + ".reconnect_min_ms: must be >= 1, got " + camera.reconnectMinMs());
        require(camera.reconnectMaxMs() >= camera.reconnectMinMs(), at + ".reconnect_max_ms: must be >= reconnect_min_ms ("
                + camera.reconnectMinMs() + "), got " + camera.reconnectMaxMs());
        require((camera.width() == null) == (camera.height() == null),
                at + ": width and height go together: give both or neither");
        require(camera.width() == null || camera.width() >= 2, at + ".width: must be >= 2, got " + camera.width());
        require(camera.height() == null || camera.height() >= 2, at + ".height: must be >= 2, got " + camera.height());
        require(camera.frameRate() == null || camera.frameRate() > 0,
                at + ".frame_rate: must be > 0, got " + camera.frameRate());
    }

    private static void validateInferenceGate(String at, CameraConfig camera) throws ConfigException {
        require(camera.inferFps() == null || (camera.inferFps() > 0 && !camera.inferFps().isInfinite()),
                at + ".infer_fps: must be > 0 (frames inferred a second; leave it out to infer every frame), got "
                        + camera.inferFps());
        MotionGateConfig gate = camera.motionGate();
        if (gate != null) {
            require(gate.threshold() >= 0 && !gate.threshold().isInfinite(), at + ".motion_gate.threshold: must be >= 0"
                    + " (largest tile's mean absolute difference, grey levels), got " + gate.threshold());
            require(gate.maxSkipMs() >= 1, at + ".motion_gate.max_skip_ms: must be >= 1, got " + gate.maxSkipMs());
        }
    }

    private static void validateModel(String origin, String at, ModelConfig model) throws ConfigException {
        require(model.path() != null && !model.path().isBlank(), origin + ": " + at + ".path: is required");
        require(model.instances() >= 1 && model.instances() <= ModelConfig.MAX_INSTANCES, origin + ": " + at
                + ".instances: must be 1.." + ModelConfig.MAX_INSTANCES + ", got " + model.instances());
        require(model.instances() == 1 || model.engine() == ModelConfig.Engine.ONNXRUNTIME, origin + ": " + at
                + ".instances: " + model.instances() + " engine instances need engine onnxruntime; a TensorRT lane runs"
                + " one engine (its GPU already overlaps the batches)");
        require(model.preprocessThreads() >= 1 && model.preprocessThreads() <= ModelConfig.MAX_PREPROCESS_THREADS,
                origin + ": " + at + ".preprocess_threads: must be 1.." + ModelConfig.MAX_PREPROCESS_THREADS + ", got "
                        + model.preprocessThreads());
        require(model.task() == ModelConfig.Task.DETECTION || model.tracker().equals(TrackerConfig.defaults()),
                origin + ": " + at + ".tracker: only for detection models; this is a " + taskName(model) + " model");
        if (model.task() == ModelConfig.Task.THERMAL) {
            validateThermalModel(origin + ": " + at, model);
            return;
        }
        require(model.thermal().equals(ThermalModelConfig.defaults()), origin + ": " + at + ".thermal: only for"
                + " task thermal; this is a " + taskName(model) + " model");
        require(!model.classes().isEmpty(), origin + ": " + at + ".classes: at least one class name is needed");
        require(new HashSet<>(model.classes()).size() == model.classes().size(),
                origin + ": " + at + ".classes: a class name is listed twice");
        try {
            model.tensorrt().batchProfile(model.batchSize(), 0);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": " + at + "." + e.getMessage());
        }
        for (String name : model.tracker().events() == null ? java.util.List.<String>of() : model.tracker().events()) {
            require(model.classes().contains(name), origin + ": " + at + ".tracker.events: '" + name
                    + "' is not one of the model's classes " + model.classes());
        }
        for (String name : model.nms().classConfidence().keySet()) {
            require(model.classes().contains(name), origin + ": " + at + ".nms.class_confidence: '" + name
                    + "' is not one of the model's classes " + model.classes());
        }
    }

    /** A thermal model has temperatures and hotspots, no classes, boxes or colour normalisation. */
    private static void validateThermalModel(String at, ModelConfig model) throws ConfigException {
        require(model.classes().isEmpty(), at + ".classes: a thermal model has no classes (it regresses"
                + " temperatures and finds hotspots)");
        require(model.nms().equals(NmsConfig.defaults()), at + ".nms: only for detection models; a thermal"
                + " model's hotspots are set by its thermal section");
        require(model.preprocess().equals(PreprocessConfig.defaults()), at + ".preprocess: only for RGB models;"
                + " a thermal model's input is set by thermal.norm_offset_k and thermal.norm_scale_k");
    }

    /**
     * No door left open: beyond loopback, {@code /reload} and the console need users, and their
     * passwords need TLS.
     */
    private static void validateHttp(String origin, HttpConfig http) throws ConfigException {
        if (!http.enabled() || http.loopbackOnly()) {
            return;
        }
        String what = http.console() ? "the console and POST /reload" : "POST /reload";
        require(http.authenticated(), origin + ": http.bind: " + http.bind() + " is reachable beyond loopback, and "
                + what + " would answer anyone: set http.users (linewatch passwd writes it) and http.tls, or bind 127.0.0.1");
        require(http.secure(), origin + ": http.tls: " + http.bind() + " is reachable beyond loopback: passwords need"
                + " TLS (http.tls.cert_file and key_file, PEM), or bind 127.0.0.1");
    }

    /**
     * The camera {@code id} that a rule at {@code at} names, which must exist (unless the config has no
     * cameras, then null) and run a model of {@code task}; {@code kind} names such a camera in the error
     * ("a classification", "an inspection").
     */
    private static CameraConfig watchedCamera(String at, LinewatchConfig config, String id, ModelConfig.Task task,
                                              String kind) throws ConfigException {
        CameraConfig camera = config.cameras().stream().filter(c -> id.equals(c.id())).findFirst().orElse(null);
        require(camera != null || config.cameras().isEmpty(), at + ".cameras: no camera named '" + id + "'");
        if (camera == null) {
            return null;
        }
        ModelConfig model = config.models().get(camera.model());
        require(model.task() == task, at + ".cameras: '" + id + "' is not " + kind
                + " camera: its model '" + camera.model() + "' has task " + taskName(model));
        return camera;
    }

    private static void require(boolean condition, String message) throws ConfigException {
        if (!condition) {
            throw new ConfigException(message);
        }
    }
}
