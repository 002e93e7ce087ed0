package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.ConfigLoader;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane whose preprocess runs on two threads gives exactly what one thread gives: the same
 * detections on every frame, the same alarms and the same frames inferred and skipped per camera,
 * replaying the shipped conveyor clip on three cameras as fast as possible. The first camera's frames
 * alternate between the threads; the other two keep inference-gate state that must see their frames
 * in order (the second infers at 12.5 fps, the third has the motion gate), so each goes whole to one
 * thread: split by sequence, the second would infer other frames. The preprocess stage counts each
 * frame once.
 */
class PreprocessThreadsTest {

    private static final long FRAMES = 300;
    private static final String CAMERA = "    loop: false\n";

    @TempDir
    Path dir;

    @Test
    void twoThreadsGiveTheDetectionsAlarmsAndGateDecisionsOfOne() throws Exception {
        Run one = replay(1);
        Run two = replay(2);
        assertThat(one.detections()).isNotEmpty();
        assertThat(one.alarms()).as("the clip raises alarms within %d frames", FRAMES).isNotEmpty();
        assertThat(one.skipped().get(1)).as("the 12.5 fps camera skips every other frame").isEqualTo(FRAMES / 2);
        assertThat(two.detections()).containsExactlyInAnyOrderElementsOf(one.detections());
        assertThat(two.alarms()).containsExactlyInAnyOrderElementsOf(one.alarms());
        assertThat(two.inferred()).isEqualTo(one.inferred());
        assertThat(two.skipped()).isEqualTo(one.skipped());
        assertThat(one.preprocessThreads()).isEqualTo(1);
        assertThat(two.preprocessThreads()).isEqualTo(2);
        assertThat(two.preprocessFrames()).as("the threads' shared stage stats count each frame once")
                .isEqualTo(one.preprocessFrames()).isPositive();
    }

    private record Run(List<String> detections, List<String> alarms, List<Long> inferred, List<Long> skipped,
                       long preprocessThreads, long preprocessFrames) {
    }

    private Run replay(int threads) throws Exception {
        Path out = Files.createDirectories(dir.resolve("threads-" + threads));
        CameraConfig plain = camera(out, "plain", CAMERA);
        CameraConfig rate = camera(out, "rate", CAMERA + "    infer_fps: 12.5\n");
        CameraConfig still = camera(out, "still", CAMERA + "    motion_gate: {}\n");
        List<CameraConfig> cameras = List.of(plain.withSource("cam-1", plain.source(), CameraConfig.Pacing.FAST),
                rate.withSource("cam-2", rate.source(), CameraConfig.Pacing.FAST),
                still.withSource("cam-3", still.source(), CameraConfig.Pacing.FAST));
        Pipeline pipeline = ConveyorReplay.start(out, ConfigLoader.load(Shipped.EXAMPLE_CONFIG), cameras,
                m -> m.withPreprocessThreads(threads), FRAMES);
        long preprocessThreads;
        try {
            pipeline.awaitSources();
            preprocessThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("lw-conveyor-preprocess")).count();
        } finally {
            pipeline.close();
        }
        long preprocessFrames = pipeline.stageStats().stream().filter(s -> s.stage.equals("preprocess"))
                .mapToLong(s -> s.frames.get()).sum();
        return new Run(ConveyorReplay.detections(out), ConveyorReplay.alarms(out),
                pipeline.stats().stream().map(s -> s.inferred.get()).toList(),
                pipeline.stats().stream().map(s -> s.skippedRate.get() + s.skippedStill.get()).toList(),
                preprocessThreads, preprocessFrames);
    }

    /** The example config's first camera with {@code to} in place of the camera's {@code from}. */
    private static CameraConfig camera(Path out, String name, String to) throws Exception {
        Path runDir = Files.createDirectories(out.resolve(name));
        return ConfigLoader.load(Shipped.exampleConfigOf(Shipped.EXAMPLE_CONFIG, runDir, null, CAMERA, to))
                .cameras().get(0);
    }
}
