package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped clip delivered as a live camera at ten times its rate, far more than the engine can
 * infer on a small machine: no frame older than the budget is inferred, the drops are counted by
 * reason, and every frame read is accounted for as inferred or dropped.
 */
class OverloadTest {

    private static final int MAX_AGE_MS = 150;
    private static final double SPEED = 10;
    private static final long FRAMES = 500;

    @TempDir
    Path dir;

    @Test
    void aLiveCameraFasterThanInferenceKeepsItsFramesFreshAndCountsEveryDrop() throws Exception {
        LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfig(dir, null,
                "max_frame_age_ms: 500", "max_frame_age_ms: " + MAX_AGE_MS));
        Path detections = dir.resolve("detections.jsonl");
        Pipeline pipeline = Pipeline.start(config,
                Pipeline.Options.replay(Playback.realtime()).withDetectionsLog(detections).withLoad(SPEED, FRAMES));
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        CameraStats s = pipeline.stats().get(0);
        Histogram age = pipeline.ageAtInference().snapshot();
        System.out.printf("overload: in %d, inferred %d, dropped %d (too old %d, backlog %d, ring full %d, failed %d);"
                        + " age at inference p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                s.framesIn.get(), s.inferred.get(), s.dropped(), s.droppedTooOld.get(), s.droppedBacklog.get(),
                s.droppedRingFull.get(), s.failed.get(), age.getValueAtPercentile(50) / 1e6, age.getValueAtPercentile(99) / 1e6,
                age.getMaxValue() / 1e6);

        assertThat(s.framesIn.get()).isEqualTo(FRAMES);
        assertThat(s.inferred.get() + s.dropped()).isEqualTo(s.framesIn.get());
        assertThat(s.droppedTooOld.get() + s.droppedBacklog.get()).as("frames shed under overload").isPositive();
        assertThat(s.failed.get() + s.droppedDecodeError.get() + s.droppedTooLarge.get()).isZero();
        assertThat(s.inferred.get()).as("frames inferred (liveness)").isGreaterThanOrEqualTo(FRAMES / 20);
        assertThat(age.getTotalCount()).isEqualTo(s.inferred.get());
        assertThat(age.getValueAtPercentile(99)).isLessThanOrEqualTo(MAX_AGE_MS * 1_000_000L);
        // Later stages skip what was dropped: the detections log holds exactly the inferred frames.
        assertThat(Files.readAllLines(detections)).hasSize((int) s.inferred.get());
    }
}
