package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.inference.ModelFileFacts;
import io.linewatch.testing.Cli;
import io.linewatch.testing.LayoutModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code linewatch inspect-model}: tensors, metadata, the layout auto would use, a snippet that loads. */
class InspectModelTest {

    @TempDir
    Path dir;

    @Test
    void anEndToEndExportIsDescribedAndItsSnippetLoads() throws Exception {
        Path model = LayoutModels.model("det_e2e").toAbsolutePath();
        Cli.Result r = Cli.run("inspect-model", model.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("input:    images [B, 3, 64, 64] float32 (dynamic batch)")
                .contains("output:   output0[B,20,6]")
                .contains("metadata: task detect, 3 classes, imgsz 64x64 (h x w), stride 8, batch 16, end2end")
                .contains("  names: {0: 'bolt', 1: 'nut', 2: \"o'ring\"}")
                .contains("layout:   end2end");
        String snippet = r.out().substring(r.out().indexOf("config:\n") + "config:\n".length());
        Files.writeString(dir.resolve("linewatch.yaml"), snippet.replace("\n  ", "\n").substring(2));
        LinewatchConfig c = ConfigLoader.load(dir.resolve("linewatch.yaml"), new ModelFileFacts());
        assertThat(c.models().get("det_e2e").classes()).containsExactly("bolt", "nut", "o'ring");
    }

    @Test
    void eachLayoutIsNamedAndABatchOneExportSaysSo() {
        assertThat(Cli.run("inspect-model", LayoutModels.model("seg_v8").toString()).out())
                .contains("layout:   yolov8_seg");
        assertThat(Cli.run("inspect-model", LayoutModels.model("cls").toString()).out())
                .contains("layout:   classify");
        assertThat(Cli.run("inspect-model", LayoutModels.model("det_v8_b1").toString()).out())
                .contains("input:    images [1, 3, 64, 64] float32 (batch fixed at 1)")
                .contains("layout:   yolov8").contains("batch_size: 1");
        assertThat(Cli.run("inspect-model", "models/conveyor-det.onnx").out())
                .contains("metadata: none").contains("layout:   not decided").contains("classes: [");
    }

    @Test
    void aMissingFileIsOneLine() {
        Cli.Result r = Cli.run("inspect-model", dir.resolve("nope.onnx").toString());
        assertThat(r.exitCode()).isEqualTo(Main.EXIT_STARTUP);
        assertThat(r.errorLines()).containsExactly("linewatch: error: model " + dir.resolve("nope.onnx")
                + ": no such file");
    }
}
