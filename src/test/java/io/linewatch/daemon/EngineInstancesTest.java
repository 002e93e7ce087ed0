package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.CameraConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane of two engine instances taking alternate batches gives exactly what one engine gives: the
 * same detections on every frame and the same alarms, replaying the shipped conveyor clip on two
 * cameras as fast as possible (so the ring fills and both instances run full and partial batches).
 */
class EngineInstancesTest {

    private static final long FRAMES = 300;
    private static final int CAMERAS = 2;

    @TempDir
    Path dir;

    @Test
    void twoInstancesGiveTheDetectionsAndAlarmsOfOne() throws Exception {
        Run one = replay(1);
        Run two = replay(2);
        assertThat(one.detections()).hasSize((int) (FRAMES * CAMERAS));
        assertThat(one.alarms()).as("the clip raises alarms within %d frames", FRAMES).isNotEmpty();
        assertThat(two.detections()).containsExactlyInAnyOrderElementsOf(one.detections());
        assertThat(two.alarms()).containsExactlyInAnyOrderElementsOf(one.alarms());
        assertThat(two.inferenceFrames()).as("the instances' shared stage stats count each frame once")
                .isEqualTo(FRAMES * CAMERAS);
    }

    private record Run(List<String> detections, List<String> alarms, long inferenceFrames) {
    }

    private Run replay(int instances) throws Exception {
        Path out = Files.createDirectories(dir.resolve("instances-" + instances));
        LinewatchConfig c = ConfigLoader.load(Shipped.EXAMPLE_CONFIG);
        CameraConfig template = c.cameras().get(0);
        List<CameraConfig> cameras = new ArrayList<>();
        for (int i = 1; i <= CAMERAS; i++) {
            cameras.add(template.withSource("cam-" + i, template.source(), CameraConfig.Pacing.FAST));
        }
        Pipeline pipeline = ConveyorReplay.start(out, c, cameras, m -> m.withInstances(instances), FRAMES);
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        for (CameraStats stats : pipeline.stats()) {
            assertThat(stats.inferred.get()).as("frames inferred with %d instance(s)", instances).isEqualTo(FRAMES);
        }
        long inferenceFrames = pipeline.stageStats().stream().filter(s -> s.stage.equals("inference"))
                .mapToLong(s -> s.frames.get()).sum();
        return new Run(ConveyorReplay.detections(out), ConveyorReplay.alarms(out), inferenceFrames);
    }
}
