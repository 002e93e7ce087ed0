package io.linewatch.postprocess;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.TemperatureAlarmConfig;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalTrend;
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
        return build(alarms, cameras, laneCameras, calibrations, null);
    }

    /**
     * As above, each rule drawing its measure on its line of {@code trend} (the same line a rule of
     * that name on that camera had before a reload).
     *
     * @param trend the console's thermal trend, or null for none
     */
    public static AlarmRule[][] build(List<TemperatureAlarmConfig> alarms, List<CameraConfig> cameras,
                                      List<Integer> laneCameras, ThermalCalibration[] calibrations,
                                      ThermalTrend trend) {
        AlarmRule[][] rules = new AlarmRule[cameras.size()][];
        for (int i : laneCameras) {
            List<AlarmRule> forCamera = new ArrayList<>();
            for (TemperatureAlarmConfig rule : alarms) {
                if (rule.cameras().isEmpty() || rule.cameras().contains(cameras.get(i).id())) {
                    forCamera.add(new TemperatureRule(rule, calibrations[i],
                            trend == null ? null : trend.line(i, rule.name())));
                }
            }
            rules[i] = forCamera.toArray(AlarmRule[]::new);
        }
        return rules;
    }
}
