package io.linewatch.enginebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linewatch.capture.FileFrameSource;
import io.linewatch.config.CalibrationConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.PreprocessConfig;
import io.linewatch.config.TensorRtConfig;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.ModelSignature;
import io.linewatch.inference.tensorrt.BuildPlan;
import io.linewatch.inference.tensorrt.CalibrationCache;
import io.linewatch.inference.tensorrt.TensorRtEngines;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.preprocess.LetterboxResampler;
import io.linewatch.preprocess.PreprocessHandler;
import io.linewatch.testing.Clips;
import io.linewatch.testing.Shipped;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INT8 calibration without a GPU: the batches handed to TensorRT hold exactly the tensors the
 * preprocess stage writes for the same frames (every n-th frame of a clip, then the images of a
 * folder), partial batches are not handed out, and the calibration cache is reused across builds.
 */
class CalibrationSetTest {

    /** Not the defaults, so a setting that did not reach the calibration would show. */
    private static final PreprocessConfig PREPROCESS = new PreprocessConfig(100, 1 / 255.0, List.of(0.1, 0.2, 0.3),
            List.of(0.5, 0.6, 0.7));

    @TempDir
    static Path dir;

    private static ModelSignature signature;
    private static Path clip;
    private static Path images;

    @BeforeAll
    static void clipsAndImages() throws Exception {
        signature = TensorRtEngines.readSignature(model(List.of(), null));
        clip = dir.resolve("belt.mkv");
        Clips.writeFfv1(clip, 320, 200, 9, new ArrayList<>());
        images = Files.createDirectories(dir.resolve("frames"));
        writePng(images.resolve("b.png"), 160, 120, 2);
        writePng(images.resolve("a.png"), 200, 90, 1);
        Files.writeString(images.resolve("notes.txt"), "not an image");
    }

    private static ModelConfig model(List<Path> sources, Path cache) {
        TensorRtConfig trt = new TensorRtConfig(TensorRtConfig.Precision.INT8, dir.resolve("engines").toString(), null,
                null, null, null, null, null, null, null,
                new CalibrationConfig(sources.stream().map(Path::toString).toList(), 100, 2,
                        cache == null ? null : cache.toString()), null);
        return new ModelConfig(Shipped.MODEL.toString(), null, null, List.of("product", "foreign_object"),
                ModelConfig.Engine.TENSORRT, 2, 1, null, PREPROCESS, null, null, null, trt);
    }

    @Test
    void batchesHoldExactlyWhatThePreprocessStageWritesForTheSameFrames() throws Exception {
        BuildPlan plan = BuildPlan.of(model(List.of(clip, images), dir.resolve("a.calib")), signature);
        plan.requireBuildable();
        List<float[]> expected = new ArrayList<>();
        for (int frame : new int[] {0, 2, 4, 6, 8}) {
            expected.add(preprocessStage(clip, frame));
        }
        expected.add(preprocessStage(images.resolve("a.png"), 0));
        expected.add(preprocessStage(images.resolve("b.png"), 0));

        int floats = signature.inputFloats();
        try (CalibrationSet set = CalibrationSet.of(plan)) {
            assertThat(set.batchSize()).as("the profile's opt batch").isEqualTo(2);
            FloatBuffer batch = FrameEventFactory.directFloats(2L * floats);
            for (int b = 0; b < 3; b++) {
                assertThat(set.nextBatch(batch)).as("batch %d", b).isTrue();
                for (int i = 0; i < 2; i++) {
                    float[] got = new float[floats];
                    batch.get(i * floats, got);
                    assertThat(java.util.Arrays.mismatch(got, expected.get(2 * b + i)))
                            .as("first float that differs, frame %d of batch %d", i, b).isEqualTo(-1);
                }
            }
            assertThat(set.nextBatch(batch)).as("one frame left: no partial batch").isFalse();
            assertThat(set.batches()).isEqualTo(3);
        }
    }

    @Test
    void theCacheIsReusedAndThenTheSourcesAreNotNeeded() throws Exception {
        Path cache = dir.resolve("reuse.calib");
        BuildPlan first = BuildPlan.of(model(List.of(clip), cache), signature);
        byte[] calibration = "TRT-10150-EntropyCalibration2\ninput: 3c010a14\n".getBytes();
        CalibrationCache firstCache = new CalibrationCache(first.calibrationCache());
        assertThat(firstCache.read()).as("nothing cached yet").isNull();
        firstCache.write(calibration);
        assertThat(cache).as("kept in memory until the build succeeded").doesNotExist();
        firstCache.commit();
        assertThat(Files.readAllBytes(cache)).isEqualTo(calibration);

        BuildPlan second = BuildPlan.of(model(List.of(dir.resolve("gone.mp4")), cache), signature);
        second.requireBuildable();
        try (CalibrationSet set = CalibrationSet.of(second)) {
            assertThat(new CalibrationCache(second.calibrationCache()).read()).isEqualTo(calibration);
        }
    }

    @Test
    void withoutFramesOrACacheInt8CannotBeBuilt() throws Exception {
        Path missing = dir.resolve("gone.mp4");
        assertThatThrownBy(() -> CalibrationSet.of(BuildPlan.of(model(List.of(missing), null), signature)))
                .isInstanceOf(EngineException.class)
                .hasMessage("model " + Shipped.MODEL + ": tensorrt.calibration.sources: " + missing
                        + ": no such file or folder");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> CalibrationSet.of(BuildPlan.of(model(List.of(empty), null), signature)))
                .hasMessageEndingWith(empty + ": no images (png, jpg, bmp) in this folder");
        BuildPlan noSources = BuildPlan.of(model(List.of(), null), signature);
        assertThatThrownBy(noSources::requireBuildable).hasMessage("model " + Shipped.MODEL
                + ": tensorrt.calibration.sources: int8 needs calibration frames (clips, images or image folders) or"
                + " an existing calibration cache (" + noSources.calibrationCache() + ")");
    }

    @Test
    void theDefaultCacheNameDependsOnModelInputAndPreprocess() throws Exception {
        BuildPlan plan = BuildPlan.of(model(List.of(clip), null), signature);
        assertThat(plan.calibrationCache().getParent()).isEqualTo(dir.resolve("engines"));
        assertThat(plan.calibrationCache().getFileName().toString()).matches("conveyor-det\\.[0-9a-f]{10}\\.calib");
        ModelConfig other = model(List.of(clip), null);
        other = new ModelConfig(other.path(), null, null, other.classes(), other.engine(), 2, 1, null,
                new PreprocessConfig(114, null, null, null), null, null, null, other.tensorrt());
        assertThat(BuildPlan.of(other, signature).calibrationCache()).isNotEqualTo(plan.calibrationCache());
    }

    /** Frame {@code index} of {@code file} decoded as capture does, through the real preprocess stage. */
    private static float[] preprocessStage(Path file, int index) throws Exception {
        FileFrameSource source = new FileFrameSource("cam", file, false);
        source.open();
        try {
            Frame frame = null;
            for (int i = 0; i <= index; i++) {
                frame = source.next();
            }
            BgrFrame bgr = new BgrFrame();
            bgr.copyFrom(frame);
            List<CameraStats> stats = List.of(new CameraStats("cam"));
            FrameEvent slot = new FrameEventFactory(1, bgr.width * bgr.height * 3, signature.inputFloats(),
                    signature.outputFloatsEach(), 1).newInstance();
            System.arraycopy(bgr.pixels, 0, slot.pixels, 0, bgr.width * bgr.height * 3);
            slot.width = bgr.width;
            slot.height = bgr.height;
            new PreprocessHandler(new LetterboxResampler(signature.width(), signature.height(), 1 / 255.0,
                    new double[] {0.1, 0.2, 0.3}, new double[] {0.5, 0.6, 0.7}, 100), Freshness.unlimited(stats))
                    .onEvent(slot, 0, true);
            float[] out = new float[signature.inputFloats()];
            slot.input.get(0, out);
            return out;
        } finally {
            source.close();
        }
    }

    private static void writePng(Path file, int width, int height, long seed) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        new Random(seed).nextBytes(data);
        ImageIO.write(image, "png", file.toFile());
    }
}
