package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linewatch.capture.Playback;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.MqttConfig;
import io.linewatch.config.SinksConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.SourceState;
import io.linewatch.testing.Clips;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A V4L2 camera whose device does not exist neither fails nor delays the start, even for replay's
 * fail-fast start: it says why in one line and retries with a growing back-off while a file camera
 * beside it runs.
 */
class MissingDeviceTest {

    private static final String DEVICE = "/dev/video-linewatch-missing-57";

    @TempDir
    Path dir;

    @Test
    void aMissingDeviceRetriesWithBackOffAndTheOtherCameraRuns() throws Exception {
        assertThat(Path.of(DEVICE)).doesNotExist();
        Path clip = dir.resolve("line.mkv");
        Clips.writeFfv1(clip, 160, 120, 20, new ArrayList<>());
        List<String> reasons = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        Pipeline pipeline = Pipeline.start(config(clip), Pipeline.Options.replay(Playback.asFastAsPossible()));
        try {
            pipeline.cameraStates().subscribe((id, state, reason) -> {
                if (id.equals("usb") && state == SourceState.BACKING_OFF) {
                    reasons.add(reason);
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().get(1).inferred.get() == 20);
            await().atMost(Duration.ofSeconds(20)).until(() -> reasons.size() >= 4);
        } finally {
            pipeline.close();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        CameraStats usb = pipeline.stats().get(0);
        assertThat(usb.framesIn.get()).isZero();
        assertThat(usb.reconnects.get()).isGreaterThanOrEqualTo(3);
        assertThat(pipeline.cameraStates().get("usb").state()).isEqualTo(SourceState.STOPPED);
        for (String reason : reasons) {
            assertThat(reason).matches("cannot open " + DEVICE + ": no such device; next attempt in \\d+ ms");
        }
        List<Long> delays = reasons.stream().map(r -> Long.parseLong(r.replaceAll(".* in (\\d+) ms$", "$1"))).toList();
        // min 100, max 800: the n-th delay lies in [base/2, base], base = 100, 200, 400, 800, 800, ...
        // (the first may come before the test subscribed); three attempts on, the base is 8 times larger.
        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(50L, 800L));
        assertThat(delays.get(3)).as("%s", delays).isGreaterThan(delays.get(0));
    }

    private LinewatchConfig config(Path clip) throws Exception {
        Files.createDirectories(dir);
        List<String> classes = List.of("product", "foreign_object");
        ModelConfig model = new ModelConfig(Shipped.MODEL.toString(), null, null, classes, null, 4, 1, null, null, null);
        CameraConfig usb = new CameraConfig("usb", DEVICE, "conveyor", null, null, null, null, 1_000, 100, 800,
                640, 480, 30.0, "mjpeg", null);
        CameraConfig file = new CameraConfig("line", clip.toString(), "conveyor", CameraConfig.Pacing.FAST, false);
        return new LinewatchConfig("test", List.of(usb, file), null, Map.of("conveyor", model), null,
                MqttConfig.defaults().withEnabled(false),
                new SinksConfig(dir.resolve("events.jsonl").toString(), dir.resolve("snapshots").toString()));
    }
}
