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
 * Lanes on Ultralytics-style exports whose config names only the file and the task: an NMS-free
 * end-to-end detector (layout auto: end2end, from the file's metadata) and an instance segmentation
 * export on an inspection camera (layout auto: yolov8_seg), both on the shipped clip. Every frame
 * is inferred and decoded, none failed, and each lane finds what its task counts (boxes, regions).
 * The models' weights are random: what they find is not checked here (LayoutDecodeTest and
 * InstanceSegmentHandlerTest check decoding against PyTorch).
 */
class LayoutLanesTest {

    private static final long FRAMES = 20;

    @TempDir
    Path dir;

    @Test
    void endToEndDetectionAndInstanceSegmentationLanesRun() throws Exception {
        Path file = dir.resolve("linewatch.yaml");
        Files.writeString(file, """
                site: test
                cameras:
                  - {id: belt, source: %s, model: parts, pacing: fast}
                  - {id: surface, source: %s, model: defects, pacing: fast, inspection: {mm_per_pixel: 0.5}}
                models:
                  parts:
                    path: %s
                  defects:
                    path: %s
                    task: segmentation
                    segmentation: {min_area_px: 1}
                mqtt: {enabled: false}
                sinks: {event_log: %s, snapshots_dir: %s}
                """.formatted(Shipped.CLIP, Shipped.CLIP, LayoutModels.model("det_e2e").toAbsolutePath(),
                LayoutModels.model("seg_v8").toAbsolutePath(), dir.resolve("events.jsonl"), dir.resolve("snapshots")));
        LinewatchConfig config = ConfigLoader.load(file, new ModelFileFacts());
        Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.asFastAsPossible()
                .withLoad(1, FRAMES)));
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        for (int i = 0; i < 2; i++) {
            CameraStats stats = pipeline.stats().get(i);
            assertThat(stats.inferred.get()).as("camera %d frames inferred", i).isEqualTo(FRAMES);
            assertThat(stats.failed.get()).as("camera %d frames failed", i).isZero();
            assertThat(stats.detections.get()).as("camera %d boxes or regions", i).isPositive();
        }
    }
}
