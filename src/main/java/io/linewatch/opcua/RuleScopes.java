package io.linewatch.opcua;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.ClassificationCameraConfig;
import io.linewatch.config.DefectAlarmConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.StateAlarmConfig;
import io.linewatch.config.TemperatureAlarmConfig;
import java.util.ArrayList;
import java.util.List;

/** Which rules watch which camera, as the pipeline installs them (by camera list, task, class and region). */
final class RuleScopes {

    /**
     * One rule on one camera.
     *
     * @param highLimitC a temperature rule's {@code raise_at_c}, or NaN
     * @param config     the rule's config without its camera list, as the pipeline compares rules: a
     *                   reload that changes it starts the rule anew
     */
    record Scope(String rule, RuleCondition.Kind kind, double highLimitC, Object config) {
    }

    private RuleScopes() {
    }

    static List<Scope> of(LinewatchConfig config, CameraConfig camera) {
        ModelConfig model = config.models().get(camera.model());
        List<Scope> scopes = new ArrayList<>();
        switch (model.task()) {
            case DETECTION -> {
                for (AlarmRuleConfig r : config.alarms()) {
                    if (watches(r.cameras(), camera) && model.classes().contains(r.className())) {
                        scopes.add(new Scope(r.name(), RuleCondition.Kind.DETECTION, Double.NaN, r.withoutCameras()));
                    }
                }
            }
            case THERMAL -> {
                for (TemperatureAlarmConfig r : config.temperatureAlarms()) {
                    if (watches(r.cameras(), camera)) {
                        scopes.add(new Scope(r.name(), RuleCondition.Kind.THERMAL,
                                r.raiseAtC() == null ? Double.NaN : r.raiseAtC(), new TemperatureAlarmConfig(r.name(), null,
                                r.zone(), r.zoned() ? r.zoneName() : null, r.measure(), r.raiseAtC(), r.clearAtC(), r.rateOfRiseKPerMin(),
                                r.rateWindowSeconds(), r.onDelaySeconds(), r.offDelaySeconds(), r.cooldownSeconds())));
                    }
                }
            }
            case SEGMENTATION -> {
                for (DefectAlarmConfig r : config.defectAlarms()) {
                    if (watches(r.cameras(), camera) && (r.className() == null
                            || model.classes().contains(r.className()))) {
                        scopes.add(new Scope(r.name(), RuleCondition.Kind.DEFECT, Double.NaN, new DefectAlarmConfig(
                                r.name(), r.className(), null, r.minAreaMm2(), r.minCount(), r.raiseFrames(),
                                r.clearFrames(), r.cooldownSeconds())));
                    }
                }
            }
            case CLASSIFICATION -> {
                for (StateAlarmConfig r : config.stateAlarms()) {
                    if (watches(r.cameras(), camera) && model.classes().containsAll(r.states())
                            && watchesARegion(r.regions(), camera.classification())) {
                        scopes.add(new Scope(r.name(), RuleCondition.Kind.STATE, Double.NaN, new StateAlarmConfig(
                                r.name(), r.states(), null, r.regions(), r.raiseAt(), r.onDelaySeconds(), r.clearAt(),
                                r.offDelaySeconds(), r.cooldownSeconds())));
                    }
                }
            }
            default -> {
            }
        }
        return scopes;
    }

    /** Whether a state rule watching {@code regions} (empty: all) watches one of the camera's, as the pipeline installs it. */
    private static boolean watchesARegion(List<String> regions, ClassificationCameraConfig camera) {
        if (regions.isEmpty()) {
            return true;
        }
        for (int r = 0; r < camera.imagesPerFrame(); r++) {
            if (regions.contains(camera.regionName(r))) {
                return true;
            }
        }
        return false;
    }

    private static boolean watches(List<String> cameras, CameraConfig camera) {
        return cameras.isEmpty() || cameras.contains(camera.id());
    }
}
