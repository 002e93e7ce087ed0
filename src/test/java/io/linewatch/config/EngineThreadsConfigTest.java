package io.linewatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code intra_op_spinning}, {@code instances} and {@code preprocess_threads}: defaults, values read,
 * one-line errors at their field.
 */
class EngineThreadsConfigTest {

    private static final String MINIMAL = """
            site: plant1
            cameras:
              - id: cam1
                source: clip.mp4
                model: det
            models:
              det:
                path: det.onnx
                classes: [product, foreign_object]
            """;
    private static final String AT = "    classes: [product, foreign_object]\n";

    @TempDir
    Path dir;

    private String with(String keys) {
        return MINIMAL.replace(AT, AT + keys);
    }

    @Test
    void defaultsAreOneInstanceWithSleepingThreads() throws Exception {
        ModelConfig m = ConfigFiles.load(dir, MINIMAL).models().get("det");
        assertThat(m.intraOpSpinning()).isFalse();
        assertThat(m.instances()).isEqualTo(1);
        assertThat(m.preprocessThreads()).isEqualTo(1);
    }

    @Test
    void valuesAreRead() throws Exception {
        ModelConfig m = ConfigFiles.load(dir, with("    intra_op_spinning: true\n    instances: 2\n"
                + "    preprocess_threads: 3\n")).models().get("det");
        assertThat(m.intraOpSpinning()).isTrue();
        assertThat(m.instances()).isEqualTo(2);
        assertThat(m.preprocessThreads()).isEqualTo(3);
        assertThat(m.withIntraOpThreads(2).withBatchSize(1).withInstances(1)).extracting(ModelConfig::intraOpSpinning,
                ModelConfig::instances, ModelConfig::preprocessThreads).containsExactly(true, 1, 3);
    }

    @Test
    void badValuesAreOneLineAtTheirField() {
        assertThat(ConfigFiles.error(dir, with("    instances: 0\n")))
                .endsWith("models.det.instances: must be 1..16, got 0").doesNotContain("\n");
        assertThat(ConfigFiles.error(dir, with("    instances: 17\n")))
                .endsWith("models.det.instances: must be 1..16, got 17");
        assertThat(ConfigFiles.error(dir, with("    preprocess_threads: 0\n")))
                .endsWith("models.det.preprocess_threads: must be 1..16, got 0").doesNotContain("\n");
        assertThat(ConfigFiles.error(dir, with("    intra_op_spinning: sometimes\n")))
                .contains("models.det.intra_op_spinning").doesNotContain("\n");
        assertThat(ConfigFiles.error(dir, with("    engine: tensorrt\n    instances: 2\n")))
                .contains("models.det.instances: 2 engine instances need engine onnxruntime").doesNotContain("\n");
    }
}
