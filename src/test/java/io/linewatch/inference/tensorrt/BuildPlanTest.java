package io.linewatch.inference.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linewatch.config.BatchProfile;
import io.linewatch.config.CalibrationConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.TensorRtConfig;
import io.linewatch.config.TensorRtConfig.Precision;
import io.linewatch.inference.EngineException;
import io.linewatch.testing.Shipped;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a build is checked for before TensorRT is touched, and the key and files it derives. */
class BuildPlanTest {

    private static final HostInfo ORIN = new HostInfo("10.3.0", "Orin", "8.7");

    @TempDir
    Path dir;

    private static ModelConfig model(String path, TensorRtConfig trt) {
        return new ModelConfig(path, null, null, List.of("product", "foreign_object"), ModelConfig.Engine.TENSORRT, 4, 1,
                null, null, null, null, null, trt);
    }

    private static TensorRtConfig trt(Precision precision, Integer dlaCore, List<String> sources) {
        return new TensorRtConfig(precision, null, null, null, null, null, dlaCore, null, null, null,
                new CalibrationConfig(sources, null, null, null), null);
    }

    @Test
    void theKeyAndFilesOfTheShippedModel() throws Exception {
        ModelConfig m = model(Shipped.MODEL.toString(), trt(Precision.FP16, 0, List.of()));
        BuildPlan plan = BuildPlan.of(m, TensorRtEngines.readSignature(m));
        assertThat(plan.modelStem()).isEqualTo("conveyor-det");
        assertThat(plan.inputShape()).isEqualTo("3x224x384");
        assertThat(plan.profile()).as("a DLA core runs one batch size").isEqualTo(new BatchProfile(4, 4, 4));
        assertThat(plan.engineDir()).isEqualTo(Shipped.MODEL.resolveSibling("engines"));
        assertThat(plan.modelSha256()).isEqualTo(Digests.sha256(Shipped.MODEL)).hasSize(64);
        EngineKey key = plan.key(ORIN);
        assertThat(key).isEqualTo(new EngineKey(plan.modelSha256(), "3x224x384", Precision.FP16,
                new BatchProfile(4, 4, 4), 0, "10.3.0", "Orin", "8.7"));
        assertThat(key.fileName(plan.modelStem())).startsWith("conveyor-det.fp16.b4-4-4.orin.sm87.trt10.3.0.dla0.");
        assertThat(plan.timingCache(ORIN)).isEqualTo(plan.engineDir().resolve("timing.orin.sm87.trt10.3.0.cache"));
    }

    /** Plans load only on the TensorRT of the same build (issue 18, review item 8): keys carry the build number. */
    @Test
    void anEngineOfAnotherTensorRtBuildIsAMiss() throws Exception {
        ModelConfig m = model(Shipped.MODEL.toString(), trt(Precision.FP16, null, List.of()));
        BuildPlan plan = BuildPlan.of(m, TensorRtEngines.readSignature(m));
        HostInfo build26 = new HostInfo(HostInfo.tensorRtVersion(10, 3, 0, 26), "Orin", "8.7");
        HostInfo build30 = new HostInfo(HostInfo.tensorRtVersion(10, 3, 0, 30), "Orin", "8.7");
        assertThat(build26.tensorRtVersion()).isEqualTo("10.3.0.26");
        assertThat(plan.key(build26).differencesFrom(plan.key(build30)))
                .containsExactly(new EngineKey.Difference("TensorRT", "10.3.0.26", "10.3.0.30"));
        assertThat(plan.key(build26).fileName("m")).contains(".trt10.3.0.26.");
        assertThat(plan.timingCache(build26)).isNotEqualTo(plan.timingCache(build30));
    }

    @Test
    void configuredFoldersAndCachesAreUsedAsGiven() throws Exception {
        TensorRtConfig t = new TensorRtConfig(Precision.FP16, dir.resolve("e").toString(), null, null, null, null, null,
                null, null, dir.resolve("t.cache").toString(),
                new CalibrationConfig(null, null, null, dir.resolve("c.calib").toString()), null);
        ModelConfig m = model(Shipped.MODEL.toString(), t);
        BuildPlan plan = BuildPlan.of(m, TensorRtEngines.readSignature(m));
        assertThat(plan.engineDir()).isEqualTo(dir.resolve("e"));
        assertThat(plan.timingCache(ORIN)).isEqualTo(dir.resolve("t.cache"));
        assertThat(plan.calibrationCache()).isEqualTo(dir.resolve("c.calib"));
    }

    @Test
    void aDlaEngineNeedsReducedPrecision() throws Exception {
        ModelConfig m = model(Shipped.MODEL.toString(), trt(Precision.FP32, 1, List.of()));
        assertThatThrownBy(() -> BuildPlan.of(m, TensorRtEngines.readSignature(m))).isInstanceOf(EngineException.class)
                .hasMessage("model " + Shipped.MODEL + ": tensorrt.dla_core: a DLA engine needs precision fp16 or int8");
    }

    @Test
    void int8CalibrationNeedsAnRgbModelButLoadingDoesNot() throws Exception {
        String grey = Path.of("src/test/resources/models/one_channel_input.onnx").toString();
        ModelConfig m = model(grey, trt(Precision.INT8, null, List.of(Shipped.CLIP.toString())));
        BuildPlan plan = BuildPlan.of(m, TensorRtEngines.readSignature(m));
        assertThat(plan.inputShape()).isEqualTo("1x64x64");
        assertThatThrownBy(plan::requireBuildable).hasMessage("model " + grey + ": tensorrt.precision: int8 calibration"
                + " runs RGB frames through the letterbox preprocess; this model's input has 1 channel(s)");
    }
}
