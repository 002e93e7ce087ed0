package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.inference.ModelFileFacts;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.testing.LayoutModels;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A static batch-1 export (as Ultralytics exports by default) fed by three cameras: its lane runs
 * their frames one engine call each, and every frame of every camera is inferred, none failed,
 * none left behind. The config names no classes, input or layout: the file's metadata does.
 */
class BatchOneModelTest {

    private static final long FRAMES = 40;

    @TempDir
    Path dir;

    @Test
    void threeCamerasOnABatchOneModelAreAllInferred() throws Exception {
        StringBuilder cameras = new StringBuilder();
        for (String id : new String[] {"a", "b", "c"}) {
            cameras.append("  - {id: ").append(id).append(", source: ").append(Shipped.CLIP).append(", model: parts,")
                    .append(" pacing: fast}\n");
        }
        Path file = dir.resolve("linewatch.yaml");
        Files.writeString(file, """
                site: test
                cameras:
                %smodels:
                  parts:
                    path: %s
                    batch_size: 4
                mqtt: {enabled: false}
                sinks: {event_log: %s, snapshots_dir: %s}
                """.formatted(cameras, LayoutModels.model("det_v8_b1").toAbsolutePath(), dir.resolve("events.jsonl"),
                dir.resolve("snapshots")));
        LinewatchConfig config = ConfigLoader.load(file, new ModelFileFacts());
        assertThat(config.models().get("parts").classes()).containsExactly("bolt", "nut", "o'ring");
        Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.asFastAsPossible()
                .withLoad(1, FRAMES)));
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        for (int i = 0; i < 3; i++) {
            CameraStats stats = pipeline.stats().get(i);
            assertThat(stats.framesIn.get()).as("camera %d frames in", i).isEqualTo(FRAMES);
            assertThat(stats.inferred.get()).as("camera %d frames inferred", i).isEqualTo(FRAMES);
            assertThat(stats.failed.get()).as("camera %d frames failed", i).isZero();
        }
    }
}
