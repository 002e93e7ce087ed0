package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linewatch.capture.Playback;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.MqttConfig;
import io.linewatch.config.SinksConfig;
import io.linewatch.testing.Clips;
import io.linewatch.testing.Shipped;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** In the daemon, a camera or model that cannot start is left out and the other cameras run. */
class DaemonIsolationTest {

    @TempDir
    Path dir;

    private LinewatchConfig config() throws Exception {
        Path clip = dir.resolve("good.mkv");
        Clips.writeFfv1(clip, 640, 360, 30, new ArrayList<>());
        List<String> classes = List.of("product", "foreign_object");
        ModelConfig good = new ModelConfig(Shipped.MODEL.toString(), null, null, classes, null, 4, 1, null, null, null);
        ModelConfig grey = new ModelConfig(Path.of("src/test/resources/models/one_channel_input.onnx").toString(),
                null, null, classes, null, 4, 1, null, null, null);
        return new LinewatchConfig("test", List.of(
                new CameraConfig("missing", dir.resolve("missing.mp4").toString(), "good", null, null),
                new CameraConfig("line1", clip.toString(), "good", null, null),
                new CameraConfig("thermal-ish", clip.toString(), "grey", null, null)),
                null, Map.of("good", good, "grey", grey), null,
                MqttConfig.defaults().withEnabled(false),
                new SinksConfig(dir.resolve("events.jsonl").toString(), dir.resolve("snapshots").toString()));
    }

    @Test
    void theDaemonRunsTheCamerasThatCanStart() throws Exception {
        Pipeline pipeline = Pipeline.start(config(), Pipeline.Options.daemon().withPlayback(Playback.asFastAsPossible()));
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        assertThat(pipeline.stats().get(0).framesIn.get()).isZero();
        assertThat(pipeline.stats().get(1).inferred.get()).isEqualTo(30);
        assertThat(pipeline.stats().get(1).dropped()).isZero();
        assertThat(pipeline.stats().get(2).framesIn.get()).isZero();
    }

    @Test
    void replayFailsFastOnTheFirstCameraThatCannotStart() throws Exception {
        assertThatThrownBy(() -> Pipeline.start(config(), Pipeline.Options.replay(Playback.asFastAsPossible())))
                .isInstanceOf(StartupException.class)
                .hasMessage("camera missing: cannot open " + dir.resolve("missing.mp4") + ": no such file");
    }
}
