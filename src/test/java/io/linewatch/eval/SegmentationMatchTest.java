package io.linewatch.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.testing.Clips;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segmentation evaluator on two hand-made 4x2 frames (true masks written losslessly with FFmpeg,
 * value 1 + class), worked out by hand. Frame 0, true and predicted (s: scratch, d: dent):
 * <pre>
 *   true  s s . d     predicted  s s . d
 *         s . . d                . . d .
 * </pre>
 * Frame 1 has one dent pixel (index 5) and no line in the log: it predicts nothing.
 */
class SegmentationMatchTest {

    private static final List<String> CLASSES = List.of("scratch", "dent");

    @TempDir
    Path dir;

    @Test
    void pooledIousAndDefectsFoundWhenAtLeastHalfTheirPixelsArePredicted() throws Exception {
        Path masks = dir.resolve("clip.masks.mkv");
        writeMasks(masks, new byte[][] {{1, 1, 0, 2, 1, 0, 0, 2}, {0, 0, 0, 0, 0, 2, 0, 0}});
        Path truth = Files.write(dir.resolve("clip.gt.jsonl"), List.of(
                "{\"frame\": 0, \"defects\": [{\"class\": \"scratch\", \"box\": [0, 0, 2, 2]},"
                        + " {\"class\": \"dent\", \"box\": [3, 0, 4, 2]}]}",
                // a dent none of whose pixels is predicted; a scratch box holding no scratch pixel (not counted)
                "{\"frame\": 1, \"defects\": [{\"class\": \"dent\", \"box\": [1, 1, 2, 2]},"
                        + " {\"class\": \"scratch\", \"box\": [0, 0, 1, 1]}]}"));
        Path regions = Files.write(dir.resolve("regions.jsonl"), List.of(
                "{\"camera\": \"insp\", \"frame\": 0, \"mask\": {\"runs\": {\"scratch\": [0, 2], \"dent\": [3, 1, 6, 1]}}}",
                "{\"camera\": \"other\", \"frame\": 1, \"mask\": {\"runs\": {\"scratch\": [0, 8], \"dent\": []}}}"));
        assertThat(SegmentationMatch.masksBeside(truth)).isEqualTo(masks);

        SegmentationMatch.Result r = SegmentationMatch.evaluate(truth, masks, regions, "insp", CLASSES);
        assertThat(r.frames()).isEqualTo(2);
        // foreground: true {0,1,3,4,7} + {13}, predicted {0,1,3,6}: 3 of 7
        assertThat(r.foregroundIntersection()).isEqualTo(3);
        assertThat(r.foregroundUnion()).isEqualTo(7);
        assertThat(r.iou()).isCloseTo(3.0 / 7, within(1e-12));
        assertThat(r.classIou(0)).as("scratch: {0,1} of {0,1,4}").isCloseTo(2.0 / 3, within(1e-12));
        assertThat(r.classIou(1)).as("dent: {3} of {3,6,7,13}").isCloseTo(1.0 / 4, within(1e-12));
        // scratch 2 of 3 pixels found; dent 1 of 2 (exactly half counts); frame 1's dent 0 of 1
        assertThat(r.defects()).containsExactly(1, 2);
        assertThat(r.found()).containsExactly(1, 1);
        assertThat(r.recall()).isCloseTo(2.0 / 3, within(1e-12));
    }

    /** Each frame a row-major array of mask values, written as 8-bit gray FFV1 (lossless). */
    private static void writeMasks(Path file, byte[][] frames) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 4, 2)) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
            recorder.setFrameRate(10);
            recorder.start();
            for (byte[] values : frames) {
                Frame frame = Clips.frame(4, 2, Frame.DEPTH_UBYTE, 1);
                ByteBuffer pixels = (ByteBuffer) frame.image[0];
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 4; x++) {
                        pixels.put(y * frame.imageStride + x, values[y * 4 + x]);
                    }
                }
                recorder.record(frame, avutil.AV_PIX_FMT_GRAY8);
            }
        }
    }
}
