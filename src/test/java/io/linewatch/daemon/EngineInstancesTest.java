package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.SinksConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        c = c.withCameras(cameras)
                .withModels(Map.of("conveyor", c.models().get("conveyor").withInstances(instances)))
                .withMqtt(c.mqtt().withEnabled(false))
                .withSinks(new SinksConfig(out.resolve("events.jsonl").toString(), out.resolve("snapshots").toString()));
        Path detections = out.resolve("detections.jsonl");
        Pipeline pipeline = Pipeline.start(c, Pipeline.Options.replay(Playback.asFastAsPossible().withLoad(1, FRAMES))
                .withDetectionsLog(detections));
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
        return new Run(Files.readAllLines(detections), alarms(out.resolve("events.jsonl")), inferenceFrames);
    }

    /** The event log's alarms without their random ids and wall-clock fields. */
    static List<String> alarms(Path events) throws Exception {
        return Files.readAllLines(events).stream().map(line -> line.replaceAll("\"(id|time|snapshot)\":\"[^\"]*\"", "\"$1\":_"))
                .toList();
    }
}
