package io.linewatch.inference.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.linewatch.capture.FileFrameSource;
import io.linewatch.testing.Cli;
import io.linewatch.testing.LogLines;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model configured for TensorRT on a host without it: the start fails with the probe's one line,
 * or, with {@code fallback: onnxruntime}, the model runs on ONNX Runtime after a warning and finds
 * the same detections.
 */
class TensorRtFallbackTest {

    @TempDir
    Path dir;

    @BeforeEach
    void noTensorRtHere() {
        assumeFalse(TensorRtAvailability.probe().available(), "TensorRT is available here: see TensorRtGpuTest");
    }

    private Path config(String tensorrt) throws Exception {
        return Shipped.exampleConfig(dir, null, "    engine: onnxruntime\n", "    engine: tensorrt\n" + tensorrt);
    }

    @Test
    void withoutFallbackTheModelFailsWithTheProbesLine() throws Exception {
        Cli.Result r = Cli.run("replay", "--config", config("").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errorLines()).containsExactly("linewatch: error: model " + Shipped.MODEL + ": "
                + TensorRtAvailability.probe().message());
    }

    @Test
    void withFallbackItRunsOnOnnxRuntimeAndFindsTheSameDetections() throws Exception {
        Path clip = firstFrames(Shipped.CLIP, dir.resolve("short.mkv"), 40);
        Path viaFallback = dir.resolve("fallback.jsonl");
        Path direct = dir.resolve("direct.jsonl");
        try (LogLines log = new LogLines()) {
            Cli.Result r = Cli.run("replay", "--config", config("    tensorrt: {fallback: onnxruntime}\n").toString(),
                    "--detections", viaFallback.toString(), clip.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(log.containing("runs on ONNX Runtime instead")).containsExactly("model conveyor: "
                    + TensorRtAvailability.probe().message()
                    + "; it runs on ONNX Runtime instead (tensorrt.fallback: onnxruntime)");
        }
        Cli.Result r = Cli.run("replay", "--config", Shipped.exampleConfig(dir, null).toString(), "--detections",
                direct.toString(), clip.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllLines(viaFallback)).hasSize(40).isEqualTo(Files.readAllLines(direct));
    }

    /** The first frames of a clip, copied losslessly (FFV1), to keep the replays short. */
    private static Path firstFrames(Path clip, Path target, int frames) throws Exception {
        FileFrameSource source = new FileFrameSource("cut", clip, false);
        source.open();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), source.width(), source.height())) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_BGR0);
            recorder.setFrameRate(source.frameRate());
            recorder.start();
            for (int i = 0; i < frames; i++) {
                recorder.record(source.next(), avutil.AV_PIX_FMT_BGR24);
            }
        } finally {
            source.close();
        }
        return target;
    }
}
