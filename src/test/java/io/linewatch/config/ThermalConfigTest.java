package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Thermal cameras, models and temperature alarms in the YAML: keys, defaults and one-line errors. */
class ThermalConfigTest {

    private static final String THERMAL = """
            site: plant1
            cameras:
              - id: ir
                source: motor.mkv
                model: ir
                thermal: {scale_k_per_count: 0.04, offset_k: -10, emissivity: 0.9, reflected_c: 25, unit: kelvin}
              - id: cam1
                source: clip.mp4
                model: det
            models:
              ir:
                path: thermal.onnx
                task: thermal
                thermal: {hotspot_threshold: 0.4, max_hotspots: 3}
              det:
                path: det.onnx
                classes: [product, foreign_object]
            temperature_alarms:
              - name: overheat
                raise_at_c: 80
                clear_at_c: 70
              - name: bearing-fast
                cameras: [ir]
                zone: [[1, 1], [20, 1], [20, 20]]
                zone_name: bearing
                measure: avg
                rate_of_rise_k_per_min: 30
                rate_window_seconds: 10
                on_delay_seconds: 1
                off_delay_seconds: 2
                cooldown_seconds: 30
            """;

    @TempDir
    Path dir;

    /** THERMAL with {@code from} replaced by {@code to}; {@code from} must be there. */
    private static String with(String from, String to) {
        assertThat(THERMAL).contains(from);
        return THERMAL.replace(from, to);
    }

    private LinewatchConfig load(String yaml) throws Exception {
        return ConfigFiles.load(dir, yaml);
    }

    /** The error, without the file name in front. */
    private String error(String yaml) {
        return ConfigFiles.error(dir, yaml).substring(dir.resolve("linewatch.yaml").toString().length() + 2);
    }

    @Test
    void aThermalCameraModelAndItsRulesLoad() throws Exception {
        LinewatchConfig c = load(THERMAL);
        ThermalCameraConfig cal = c.cameras().get(0).thermal();
        assertThat(cal).isEqualTo(new ThermalCameraConfig(0.04, -10.0, 0.9, 25.0,
                ThermalCameraConfig.TemperatureUnit.KELVIN));
        ModelConfig ir = c.models().get("ir");
        assertThat(ir.task()).isEqualTo(ModelConfig.Task.THERMAL);
        assertThat(ir.thermal()).isEqualTo(new ThermalModelConfig(273.15, 100.0, 0.4, 3));
        TemperatureAlarmConfig overheat = c.temperatureAlarms().get(0);
        assertThat(overheat.zoneName()).isEqualTo("frame");
        assertThat(overheat.measure()).isEqualTo(TemperatureAlarmConfig.Measure.MAX);
        assertThat(overheat.raiseAtC()).isEqualTo(80.0);
        assertThat(overheat.clearAtC()).isEqualTo(70.0);
        TemperatureAlarmConfig fast = c.temperatureAlarms().get(1);
        assertThat(fast.zoneName()).isEqualTo("bearing");
        assertThat(fast.zoned()).isTrue();
        assertThat(fast.rateOfRiseKPerMin()).isEqualTo(30.0);
        assertThat(fast.rateWindowSeconds()).isEqualTo(10.0);
        assertThat(fast.cooldownSeconds()).isEqualTo(30.0);
        assertThat(fast.raiseAtC()).isNull();
    }

    @Test
    void aCameraDefaultsToALeptonInCelsiusAndAZoneToItsRulesName() throws Exception {
        String calibration = "    thermal: {scale_k_per_count: 0.04, offset_k: -10, emissivity: 0.9, reflected_c: 25,"
                + " unit: kelvin}\n";
        LinewatchConfig c = load(with(calibration, "").replace("    zone_name: bearing\n", ""));
        assertThat(c.cameras().get(0).thermal()).isEqualTo(new ThermalCameraConfig(0.01, 0.0, 1.0, 20.0,
                ThermalCameraConfig.TemperatureUnit.CELSIUS));
        assertThat(c.temperatureAlarms().get(1).zoneName()).isEqualTo("bearing-fast");
    }

    @Test
    void sectionsOfOneTaskAreRefusedOnAnother() {
        assertThat(error(with("    model: det\n",
                "    model: det\n    thermal: {emissivity: 0.9}\n")))
                .isEqualTo("cameras[1].thermal: only for cameras of thermal models; model 'det' is a detection model");
        assertThat(error(with("    task: thermal\n",
                "    task: thermal\n    classes: [hot]\n")))
                .startsWith("models.ir.classes: a thermal model has no classes");
        assertThat(error(with("    task: thermal\n",
                "    task: thermal\n    nms: {confidence: 0.5}\n")))
                .startsWith("models.ir.nms: only for detection models");
        assertThat(error(with("    task: thermal\n",
                "    task: thermal\n    preprocess: {pad_value: 0}\n")))
                .startsWith("models.ir.preprocess: only for RGB models");
        assertThat(error(with("    classes: [product, foreign_object]\n",
                "    classes: [product, foreign_object]\n    thermal: {max_hotspots: 2}\n")))
                .isEqualTo("models.det.thermal: only for task thermal; this is a detection model");
    }

    @Test
    void aThermalCameraReadsAFileOrAY16Device() throws Exception {
        assertThat(error(with("source: motor.mkv", "source: rtsp://10.0.0.5/ir")))
                .startsWith("cameras[0].source: a thermal camera reads 16-bit radiometric frames from a file or a V4L2"
                        + " device (Y16)");
        String device = "source: /dev/video4\n    width: 160\n    height: 120";
        assertThat(error(with("source: motor.mkv", device + "\n    input_format: mjpeg")))
                .isEqualTo("cameras[0].input_format: a thermal camera reads Y16 (input_format: y16), got 'mjpeg'");
        assertThat(load(with("source: motor.mkv", device + "\n    input_format: y16"))
                .cameras().get(0).inputFormat()).isEqualTo("y16");
        assertThat(error(with("source: motor.mkv", "source: /dev/video4")))
                .startsWith("cameras[0]: a thermal V4L2 camera needs width and height (160 and 120 for a Lepton 3.5)");
    }

    @Test
    void temperatureAlarmsWatchThermalCamerasThatExist() {
        assertThat(error(with("cameras: [ir]", "cameras: [cam1]")))
                .isEqualTo("temperature_alarms[1].cameras: camera 'cam1' is not a thermal camera (its model's task is"
                        + " not thermal)");
        assertThat(error(with("cameras: [ir]", "cameras: [ir2]")))
                .isEqualTo("temperature_alarms[1].cameras: no camera named 'ir2'");
        assertThat(error(with("name: bearing-fast", "name: overheat")))
                .isEqualTo("temperature_alarms[1].name: 'overheat' is used twice");
        String noThermalCamera = with("""
                  - id: ir
                    source: motor.mkv
                    model: ir
                    thermal: {scale_k_per_count: 0.04, offset_k: -10, emissivity: 0.9, reflected_c: 25, unit: kelvin}
                """, "").replace("    cameras: [ir]\n", "");
        assertThat(error(noThermalCamera))
                .isEqualTo("temperature_alarms[0].cameras: no camera of a thermal model to watch");
    }

    @Test
    void badRuleAndCalibrationValuesAreOneLine() {
        assertThat(error(with("    raise_at_c: 80\n    clear_at_c: 70\n", "")))
                .isEqualTo("temperature_alarms[0]: needs raise_at_c or rate_of_rise_k_per_min (or both)");
        assertThat(error(with("clear_at_c: 70", "clear_at_c: 85")))
                .isEqualTo("temperature_alarms[0]: clear_at_c (85.0) must not be above raise_at_c (80.0)");
        assertThat(error(with("    raise_at_c: 80\n",
                "    raise_at_c: 80\n    zone_name: hall\n")))
                .isEqualTo("temperature_alarms[0]: zone_name names a zone: give the zone too");
        assertThat(error(with("emissivity: 0.9", "emissivity: 1.5")))
                .isEqualTo("cameras[0].thermal: emissivity must be in (0, 1], got 1.5");
        assertThat(error(with("measure: avg", "measure: median")))
                .isEqualTo("temperature_alarms[1].measure: expected one of [max, avg, min], got 'median'");
    }
}
