package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inspection cameras, segmentation models and defect alarms in the config; one line per error. */
class InspectionConfigTest {

    private static final String CONFIG = """
            site: plant1
            cameras:
              - id: belt
                source: belt.mp4
                model: det
              - id: surface
                source: inspection.mp4
                model: defects
                inspection: {mm_per_pixel: 0.25}
            models:
              det:
                path: det.onnx
                classes: [product, foreign_object]
              defects:
                path: surface-defects.onnx
                task: segmentation
                classes: [scratch, stain, dent, crack]
                segmentation: {threshold: 0.4, min_area_px: 20, max_regions: 16}
            defect_alarms:
              - name: scratched
                class: scratch
                cameras: [surface]
                min_area_mm2: 2.5
                min_count: 1
                raise_frames: 3
                clear_frames: 10
                cooldown_seconds: 2
              - name: any-defect
            """;

    @TempDir
    Path dir;

    private LinewatchConfig load(String yaml) throws Exception {
        return ConfigFiles.load(dir, yaml);
    }

    private String error(String yaml) {
        return ConfigFiles.error(dir, yaml);
    }

    @Test
    void readsTheInspectionSectionsAndFillsDefaults() throws Exception {
        LinewatchConfig c = load(CONFIG);
        assertThat(c.cameras().get(1).inspection().mmPerPixel()).isEqualTo(0.25);
        assertThat(c.cameras().get(0).inspection().mmPerPixel()).isEqualTo(1.0);
        ModelConfig m = c.models().get("defects");
        assertThat(m.task()).isEqualTo(ModelConfig.Task.SEGMENTATION);
        assertThat(m.segmentation().threshold()).isEqualTo(0.4);
        assertThat(m.segmentation().minAreaPx()).isEqualTo(20);
        assertThat(m.segmentation().maxRegions()).isEqualTo(16);
        DefectAlarmConfig scratched = c.defectAlarms().get(0);
        assertThat(scratched.className()).isEqualTo("scratch");
        assertThat(scratched.minAreaMm2()).isEqualTo(2.5);
        assertThat(scratched.raiseFrames()).isEqualTo(3);
        assertThat(scratched.cooldownSeconds()).isEqualTo(2.0);
        DefectAlarmConfig any = c.defectAlarms().get(1);
        assertThat(any.className()).isNull();
        assertThat(any.cameras()).isEmpty();
        assertThat(any.minCount()).isEqualTo(1);
    }

    @Test
    void aDefectRuleClassMustBeOneOfTheWatchedModelsClasses() {
        assertThat(error(CONFIG.replace("class: scratch", "class: dent-ish")))
                .endsWith("defect_alarms[0].class: 'dent-ish' is not one of the classes [scratch, stain, dent, crack]"
                        + " of model 'defects' (camera 'surface')");
        assertThat(error(CONFIG.replace("  - name: any-defect", "  - name: any-defect\n    class: foreign_object")))
                .endsWith("defect_alarms[1].class: 'foreign_object' is not a class of any segmentation model"
                        + " [defects [scratch, stain, dent, crack]]");
    }

    @Test
    void aDefectRuleWatchesOnlyInspectionCamerasThatExist() {
        assertThat(error(CONFIG.replace("cameras: [surface]", "cameras: [surface, nope]")))
                .endsWith("defect_alarms[0].cameras: no camera named 'nope'");
        assertThat(error(CONFIG.replace("cameras: [surface]", "cameras: [belt]")))
                .endsWith("defect_alarms[0].cameras: 'belt' is not an inspection camera: its model 'det' has task"
                        + " detection");
        assertThat(error(CONFIG.replace("task: segmentation", "task: detection")))
                .endsWith("defect_alarms[0]: no model has task segmentation, so no camera is an inspection camera for"
                        + " this rule to watch");
    }

    @Test
    void badValuesAreNamedWithTheirField() {
        assertThat(error(CONFIG.replace("  - name: any-defect", "  - class: stain")))
                .endsWith("defect_alarms[1].name: is required");
        assertThat(error(CONFIG.replace("  - name: any-defect", "  - name: scratched")))
                .endsWith("defect_alarms[1].name: 'scratched' is used twice");
        assertThat(error(CONFIG.replace("raise_frames: 3", "raise_frames: 0")))
                .contains("defect_alarms[0]: needs min_area_mm2 >= 0");
        assertThat(error(CONFIG.replace("mm_per_pixel: 0.25", "mm_per_pixel: 0")))
                .contains("cameras[1].inspection: mm_per_pixel must be > 0, got 0.0");
        assertThat(error(CONFIG.replace("threshold: 0.4", "threshold: 1.5")))
                .contains("models.defects.segmentation: threshold must be in (0, 1), got 1.5");
    }

    @Test
    void partsReadTheirKeysFillDefaultsAndFailInOneLine() throws Exception {
        String withParts = CONFIG.replace("inspection: {mm_per_pixel: 0.25}", "inspection:\n"
                + "      mm_per_pixel: 0.25\n"
                + "      parts:\n"
                + "        zone: [0, 28, 384, 268]\n"
                + "        nok: [{class: scratch, min_area_mm2: 4}, {min_count: 2}]");
        PartsConfig parts = load(withParts).cameras().get(1).inspection().parts();
        assertThat(parts.zone()).containsExactly(0.0, 28.0, 384.0, 268.0);
        assertThat(parts.minBrightness()).isEqualTo(70);
        assertThat(parts.trackBuffer()).isEqualTo(2);
        assertThat(parts.minDefectFrames()).isEqualTo(3);
        assertThat(parts.nok().get(0).className()).isEqualTo("scratch");
        assertThat(parts.nok().get(0).minCount()).isEqualTo(1);
        assertThat(parts.nok().get(1).className()).isNull();
        assertThat(parts.nok().get(1).minAreaMm2()).isEqualTo(0.0);
        assertThat(load(CONFIG).cameras().get(1).inspection().parts()).isNull();

        assertThat(error(withParts.replace("{class: scratch,", "{class: dent-ish,")))
                .endsWith("cameras[1].inspection.parts.nok[0].class: 'dent-ish' is not one of the model's classes"
                        + " [scratch, stain, dent, crack]");
        assertThat(error(withParts.replace("zone: [0, 28, 384, 268]", "zone: [0, 28, 384]")))
                .contains("cameras[1].inspection.parts").contains("zone needs four numbers [x1, y1, x2, y2]");
        assertThat(error(CONFIG.replace("    model: det\n", "    model: det\n    inspection: {parts: {}}\n")))
                .endsWith("cameras[0].inspection.parts: parts need a segmentation model; det is a detection model");
    }
}
