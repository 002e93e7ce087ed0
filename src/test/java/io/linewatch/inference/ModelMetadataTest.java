package io.linewatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.linewatch.config.ConfigException;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.testing.LayoutModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's own metadata as Ultralytics exports write it (read through ONNX Runtime), and a config
 * that leaves classes, input and layout to the file, or disagrees with it.
 */
class ModelMetadataTest {

    @TempDir
    Path dir;

    @Test
    void ultralyticsMetadataIsRead() throws Exception {
        ModelMetadata m = ModelMetadata.read(LayoutModels.model("det_v8"));
        assertThat(m.names()).containsExactly("bolt", "nut", "o'ring");
        assertThat(m.height()).isEqualTo(64);
        assertThat(m.width()).isEqualTo(64);
        assertThat(m.task()).isEqualTo("detect");
        assertThat(m.batch()).isEqualTo(16);
        assertThat(m.stride()).isEqualTo(8);
        assertThat(m.end2end()).isFalse();
        assertThat(ModelMetadata.read(LayoutModels.model("det_e2e")).end2end()).isTrue();
        assertThat(ModelMetadata.read(LayoutModels.model("det_v8_b1")).batch()).isEqualTo(1);
        assertThat(ModelMetadata.read(LayoutModels.model("cls")).task()).isEqualTo("classify");
        assertThat(ModelMetadata.read(Path.of("models/conveyor-det.onnx")).present()).isFalse();
    }

    @Test
    void namesAreParsedAsPythonWritesThem() throws Exception {
        assertThat(ModelMetadata.names("{1: \"o'ring\", 0: 'a\\\\b', 2: 'it\\'s'}"))
                .containsExactly("a\\b", "o'ring", "it's");
        assertThat(ModelMetadata.names("{}")).isEmpty();
        assertThatThrownBy(() -> ModelMetadata.of(Path.of("m.onnx"), Map.of("names", "{0: 'a', 2: 'b'}")))
                .hasMessage("model m.onnx: metadata 'names' has class ids [0, 2], expected 0..1");
        assertThatThrownBy(() -> ModelMetadata.of(Path.of("m.onnx"), Map.of("imgsz", "[640, x]")))
                .hasMessage("model m.onnx: metadata 'imgsz' is 'x', expected a positive integer");
    }

    @Test
    void classesInputAndLayoutMayBeLeftToTheFile() throws Exception {
        LinewatchConfig c = load("""
                models:
                  parts:
                    path: %s
                """.formatted(LayoutModels.model("det_e2e").toAbsolutePath()));
        ModelConfig m = c.models().get("parts");
        assertThat(m.classes()).containsExactly("bolt", "nut", "o'ring");
        assertThat(m.input()).isEqualTo(new ModelConfig.InputSize(64, 64));
        assertThat(m.layout()).isEqualTo(ModelConfig.Layout.AUTO);
    }

    @Test
    void aConfigThatDisagreesWithTheFileIsRefusedShowingBoth() throws Exception {
        String model = LayoutModels.model("det_v8").toAbsolutePath().toString();
        assertThat(error("""
                models:
                  parts:
                    path: %s
                    classes: [bolt, washer, o'ring]
                """.formatted(model))).endsWith(": models.parts.classes: the config lists 3 [bolt, washer, o'ring]"
                + " but det_v8.onnx's metadata names 3 [bolt, nut, o'ring] (class 1 is 'washer' in the config, 'nut'"
                + " in the file)");
        assertThat(error("""
                models:
                  parts:
                    path: %s
                    input: {width: 640, height: 640}
                """.formatted(model))).endsWith(": models.parts.input: the config says 640x640 (width x height) but"
                + " det_v8.onnx's metadata says imgsz 64x64");
        assertThat(error("""
                models:
                  parts:
                    path: %s
                    task: segmentation
                """.formatted(model))).endsWith(": models.parts.task: the config says segmentation but det_v8.onnx's"
                + " metadata says task 'detect'");
    }

    @Test
    void aFileWithoutNamesStillNeedsTheConfigsClasses() throws Exception {
        assertThat(error("""
                models:
                  parts:
                    path: %s
                """.formatted(Path.of("models/conveyor-det.onnx").toAbsolutePath())))
                .endsWith(": models.parts.classes: at least one class name is needed");
        assertThat(error("""
                models:
                  parts:
                    path: %s
                """.formatted(dir.resolve("missing.onnx")))).contains(": models.parts.classes: not given, and the"
                + " model file cannot be read for its class names: model ").endsWith("missing.onnx: no such file");
    }

    private LinewatchConfig load(String yaml) throws Exception {
        Path file = dir.resolve("linewatch.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, new ModelFileFacts());
    }

    private String error(String yaml) {
        Throwable t = catchThrowable(() -> load(yaml));
        assertThat(t).isInstanceOf(ConfigException.class);
        assertThat(t.getMessage()).doesNotContain("\n").startsWith(dir.resolve("linewatch.yaml") + ": ");
        return t.getMessage();
    }
}
