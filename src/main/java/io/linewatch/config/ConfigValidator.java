package io.linewatch.config;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Checks what the records alone cannot: references between sections and required fields. */
final class ConfigValidator {

    private ConfigValidator() {
    }

    static LinewatchConfig validate(String origin, LinewatchConfig config) throws ConfigException {
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
            require(camera.id().matches("[A-Za-z0-9_.-]+"),
                    at + ".id: '" + camera.id() + "' may hold only letters, digits, '_', '.' and '-'");
            require(cameraIds.add(camera.id()), at + ".id: '" + camera.id() + "' is used twice");
            require(camera.source() != null && !camera.source().isBlank(), at + ".source: is required");
            require(camera.model() != null, at + ".model: is required");
            require(config.models().containsKey(camera.model()), at + ".model: no model named '"
                    + camera.model() + "' (models: " + config.models().keySet() + ")");
            validateLive(at, camera);
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
        for (int i = 0; i < config.defectAlarms().size(); i++) {
            validateDefectAlarm(origin + ": defect_alarms[" + i + "]", config, config.defectAlarms().get(i));
        }
        return config;
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
            CameraConfig camera = config.cameras().stream().filter(c -> id.equals(c.id())).findFirst().orElse(null);
            require(camera != null || config.cameras().isEmpty(), at + ".cameras: no camera named '" + id + "'");
            if (camera == null) {
                continue;
            }
            ModelConfig model = config.models().get(camera.model());
            require(model.task() == ModelConfig.Task.SEGMENTATION, at + ".cameras: '" + id + "' is not an inspection"
                    + " camera: its model '" + camera.model() + "' has task " + taskName(model));
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

    private static String taskName(ModelConfig model) {
        return model.task().name().toLowerCase(Locale.ROOT);
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

    private static void validateModel(String origin, String at, ModelConfig model) throws ConfigException {
        require(model.path() != null && !model.path().isBlank(), origin + ": " + at + ".path: is required");
        require(!model.classes().isEmpty(), origin + ": " + at + ".classes: at least one class name is needed");
        require(new HashSet<>(model.classes()).size() == model.classes().size(),
                origin + ": " + at + ".classes: a class name is listed twice");
        try {
            model.tensorrt().batchProfile(model.batchSize(), 0);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(origin + ": " + at + "." + e.getMessage());
        }
        for (String name : model.nms().classConfidence().keySet()) {
            require(model.classes().contains(name), origin + ": " + at + ".nms.class_confidence: '" + name
                    + "' is not one of the model's classes " + model.classes());
        }
    }

    private static void require(boolean condition, String message) throws ConfigException {
        if (!condition) {
            throw new ConfigException(message);
        }
    }
}
