package io.linewatch.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.SourceState;
import io.linewatch.testing.Clips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A thermal camera's 16-bit counts reach the ring slots bit for bit, 2 bytes a pixel, from FFV1
 * gray16le clips written by FFmpeg and from 16-bit PGM sequences read by FFmpeg's image2 demuxer;
 * sources that are not 16-bit gray are refused with one line, never scaled up.
 */
class RadiometricCaptureTest {

    @TempDir
    Path dir;

    /** Counts over the whole 16-bit range: low bytes and high bytes both vary, and 0 and 65535 occur. */
    private static List<short[]> frames(int width, int height, int count) {
        List<short[]> frames = new ArrayList<>();
        java.util.Random random = new java.util.Random(width * 7L + height);
        for (int f = 0; f < count; f++) {
            short[] s = new short[width * height];
            for (int i = 0; i < s.length; i++) {
                s[i] = (short) (i % 97 == 0 ? 65535 : i % 89 == 0 ? 0 : 27000 + 40 * f + random.nextInt(9000));
            }
            frames.add(s);
        }
        return frames;
    }

    private List<FrameEvent> capture(FileFrameSource source, int width, int height, int frames, CameraStats stats) {
        RingBuffer<FrameEvent> ring = RingBuffer.createSingleProducer(
                new FrameEventFactory(16, width * height * 2, 1, 1, 1), 16);
        SourceStateMachine state = new SourceStateMachine("ir", (id, s, reason) -> { });
        state.moveTo(SourceState.CONNECTING, "");
        new CaptureLoop(0, "ir", source, 0, 0, ring, stats, state).run();
        List<FrameEvent> slots = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            slots.add(ring.get(i));
        }
        return slots;
    }

    private static void assertSamples(FrameEvent e, short[] expected) {
        assertThat(e.pixelFormat).isEqualTo(FrameEvent.PixelFormat.GRAY16);
        for (int i = 0; i < expected.length; i++) {
            int counts = (e.pixels[2 * i] & 0xff) | (e.pixels[2 * i + 1] & 0xff) << 8;
            if (counts != (expected[i] & 0xffff)) {
                throw new AssertionError("frame " + e.frameNumber + " pixel " + i + ": " + counts + " != "
                        + (expected[i] & 0xffff));
            }
        }
    }

    /** 162 x 2 bytes a row: FFmpeg pads such rows, the slot holds them packed. */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"160, 120", "162, 98"})
    void gray16Ffv1CountsRoundTripIntoTheSlots(int width, int height) throws Exception {
        Path clip = dir.resolve("ir.mkv");
        List<short[]> written = frames(width, height, 6);
        Clips.writeGray16(clip, width, height, 9, written);

        FileFrameSource source = new FileFrameSource("ir", clip, false, FrameEvent.PixelFormat.GRAY16, null);
        source.open();
        assertThat(source.pixelFormat()).isEqualTo(FrameEvent.PixelFormat.GRAY16);
        assertThat(source.frameRate()).isEqualTo(9.0);
        CameraStats stats = new CameraStats("ir");
        List<FrameEvent> slots = capture(source, width, height, written.size(), stats);

        assertThat(stats.framesIn.get()).isEqualTo(written.size());
        assertThat(stats.dropped()).isZero();
        for (int f = 0; f < written.size(); f++) {
            assertThat(slots.get(f).width).isEqualTo(width);
            assertThat(slots.get(f).height).isEqualTo(height);
            assertSamples(slots.get(f), written.get(f));
        }
    }

    @Test
    void aSixteenBitPgmSequenceIsReadThroughImage2AtTheConfiguredRate() throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        List<short[]> written = frames(40, 30, 4);
        Clips.writePgm16(frames, "%05d.pgm", 40, 30, written);

        FileFrameSource source = new FileFrameSource("ir", frames.resolve("%05d.pgm"), false,
                FrameEvent.PixelFormat.GRAY16, 9.0);
        source.open();
        assertThat(source.width()).isEqualTo(40);
        assertThat(source.frameRate()).isEqualTo(9.0);
        CameraStats stats = new CameraStats("ir");
        List<FrameEvent> slots = capture(source, 40, 30, written.size(), stats);

        assertThat(stats.framesIn.get()).isEqualTo(written.size());
        for (int f = 0; f < written.size(); f++) {
            assertSamples(slots.get(f), written.get(f));
            assertThat(slots.get(f).mediaMicros).isEqualTo(Math.round(f * 1e6 / 9));
        }
    }

    @Test
    void aSequenceWithoutItsFirstFileIsNoSuchFile() {
        Path pattern = dir.resolve("none/%05d.pgm");
        Throwable t = catchThrowable(() -> new FileFrameSource("ir", pattern, false, FrameEvent.PixelFormat.GRAY16,
                null).open());
        assertThat(t).isInstanceOf(CaptureException.class)
                .hasMessage("camera ir: cannot open " + pattern + ": no such file");
    }

    @Test
    void anEightBitClipGivenToAThermalCameraIsRefusedInOneLine() throws Exception {
        Path ffv1 = dir.resolve("bgr.mkv");
        Clips.writeFfv1(ffv1, 64, 48, 3, new ArrayList<>());
        Path h264 = dir.resolve("clip.mp4");
        Clips.write(h264, "mp4", avcodec.AV_CODEC_ID_H264, avutil.AV_PIX_FMT_YUV420P, 64, 48, 3);
        Path gray8 = dir.resolve("gray8.mkv");
        Clips.write(gray8, "matroska", avcodec.AV_CODEC_ID_FFV1, avutil.AV_PIX_FMT_GRAY8, 64, 48, 3);

        assertThat(refusal(ffv1)).isEqualTo("camera ir: " + ffv1 + " holds 8-bit bgr0 frames; a thermal camera needs"
                + " 16-bit gray radiometric frames (gray16le or gray16be: FFV1 or raw video, a 16-bit PGM or TIFF"
                + " sequence), never frames scaled up from fewer bits");
        assertThat(refusal(h264)).startsWith("camera ir: " + h264 + " holds 8-bit yuv420p frames; ");
        assertThat(refusal(gray8)).startsWith("camera ir: " + gray8 + " holds 8-bit gray frames; ");
    }

    @Test
    void sixteenBitColourIsNotRadiometric() throws Exception {
        Path clip = dir.resolve("yuv16.mkv");
        Clips.write(clip, "matroska", avcodec.AV_CODEC_ID_FFV1, avutil.AV_PIX_FMT_YUV444P16LE, 64, 48, 3);
        assertThat(refusal(clip)).startsWith("camera ir: " + clip + " holds 16-bit yuv444p16le frames; ");
    }

    @Test
    void anEightBitPgmSequenceIsRefusedToo() throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames8"));
        for (int i = 1; i <= 2; i++) {
            byte[] header = "P5\n8 6\n255\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] file = java.util.Arrays.copyOf(header, header.length + 48);
            Files.write(frames.resolve(String.format("img-%03d.pgm", i)), file);
        }
        Path pattern = frames.resolve("img-%03d.pgm");
        assertThat(refusal(pattern)).startsWith("camera ir: " + pattern + " holds 8-bit gray frames; ");
    }

    private String refusal(Path file) {
        Throwable t = catchThrowable(() -> new FileFrameSource("ir", file, false, FrameEvent.PixelFormat.GRAY16, null)
                .open());
        assertThat(t).isInstanceOf(CaptureException.class);
        assertThat(t.getMessage()).doesNotContain("\n");
        return t.getMessage();
    }
}
