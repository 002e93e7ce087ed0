package io.linewatch.postprocess;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.TemperatureAlarmConfig;
import io.linewatch.pipeline.ThermalCalibration;
import java.util.ArrayList;
import java.util.List;

/** Builds the temperature rules of a thermal lane's cameras, at the start and at a reload. */
public final class TemperatureRules {

    private TemperatureRules() {
    }

    /**
     * The rules watching each of the lane's cameras, by camera index (null for other lanes' cameras).
     *
     * @param alarms       every temperature rule of the config
     * @param cameras      every camera of the config
     * @param laneCameras  the indexes of the lane's cameras
     * @param calibrations each camera's calibration, by camera index
     */
    public static AlarmRule[][] build(List<TemperatureAlarmConfig> alarms, List<CameraConfig> cameras,
                                      List<Integer> laneCameras, ThermalCalibration[] calibrations) {
        AlarmRule[][] rules = new AlarmRule[cameras.size()][];
        for (int i : laneCameras) {
            List<AlarmRule> forCamera = new ArrayList<>();
            for (TemperatureAlarmConfig rule : alarms) {
                if (rule.cameras().isEmpty() || rule.cameras().contains(cameras.get(i).id())) {
                    forCamera.add(new TemperatureRule(rule, calibrations[i]));
                }
            }
            rules[i] = forCamera.toArray(AlarmRule[]::new);
        }
        return rules;
    }
}
