package io.linewatch.postprocess;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.TemperatureAlarmConfig;
import io.linewatch.pipeline.ThermalCalibration;
import java.util.ArrayList;
import java.util.List;

/**
 * The temperature rules of a thermal lane's cameras and the zones they watch, built together so that
 * each rule's zone index points at the zone statistics the decode stage writes for its camera.
 *
 * @param rulesByCamera the rules watching each camera, by camera index (null for other lanes' cameras)
 * @param zonesByCamera the zones measured for each camera, by camera index, in the order the rules
 *                      name them
 */
public record TemperatureRules(AlarmRule[][] rulesByCamera, ThermalZone[][] zonesByCamera) {

    /**
     * @param alarms       every temperature rule of the config
     * @param cameras      every camera of the config
     * @param laneCameras  the indexes of the lane's cameras
     * @param calibrations each camera's calibration, by camera index
     */
    public static TemperatureRules build(List<TemperatureAlarmConfig> alarms, List<CameraConfig> cameras,
                                         List<Integer> laneCameras, ThermalCalibration[] calibrations) {
        AlarmRule[][] rules = new AlarmRule[cameras.size()][];
        ThermalZone[][] zones = new ThermalZone[cameras.size()][];
        for (int i : laneCameras) {
            List<AlarmRule> forCamera = new ArrayList<>();
            List<ThermalZone> cameraZones = new ArrayList<>();
            for (TemperatureAlarmConfig rule : alarms) {
                if (!rule.cameras().isEmpty() && !rule.cameras().contains(cameras.get(i).id())) {
                    continue;
                }
                ThermalZone zone = null;
                if (rule.zoned()) {
                    zone = new ThermalZone(rule.zoneName(), rule.zone());
                    cameraZones.add(zone);
                }
                forCamera.add(new TemperatureRule(rule, zone == null ? -1 : cameraZones.size() - 1, zone,
                        calibrations[i]));
            }
            rules[i] = forCamera.toArray(AlarmRule[]::new);
            zones[i] = cameraZones.toArray(ThermalZone[]::new);
        }
        return new TemperatureRules(rules, zones);
    }
}
