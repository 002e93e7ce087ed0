package io.linewatch.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Frames written losslessly through FFmpeg (FFV1 in Matroska) come back into the ring slots bit for
 * bit, for sizes whose rows FFmpeg pads (170 x 3 bytes) and portrait frames.
 */
class CaptureRoundTripTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"320, 240", "170, 96", "90, 160"})
    void everyPixelSurvivesEncodeDecodeAndTheCopyIntoTheSlot(int width, int height) throws Exception {
        List<byte[]> written = new ArrayList<>();
        Path clip = dir.resolve("clip.mkv");
        Clips.writeFfv1(clip, width, height, 12, written);

        RingBuffer<FrameEvent> ring = RingBuffer.createSingleProducer(
                new FrameEventFactory(16, width * height * 3, 1, 1, 1), 16);
        CameraStats stats = new CameraStats("cam");
        FileFrameSource source = new FileFrameSource("cam", clip, false);
        source.open();
        assertThat(source.width()).isEqualTo(width);
        assertThat(source.height()).isEqualTo(height);
        assertThat(source.frameRate()).isEqualTo(25.0);
        List<SourceState> states = new ArrayList<>();
        SourceStateMachine state = new SourceStateMachine("cam", (id, s, reason) -> states.add(s));
        state.moveTo(SourceState.CONNECTING, "");
        new CaptureLoop(3, "cam", source, 0, 0, ring, stats, state).run();
        assertThat(states).containsExactly(SourceState.CONNECTING, SourceState.STREAMING, SourceState.STOPPED);

        assertThat(stats.framesIn.get()).isEqualTo(written.size());
        assertThat(stats.dropped()).isZero();
        FrameEvent end = ring.get(written.size());
        assertThat(end.sourceEnded).as("the end-of-source marker after the last frame").isTrue();
        assertThat(end.frameNumber).isEqualTo(written.size());
        assertThat(end.skipped()).isTrue();
        assertThat(ring.getCursor()).isEqualTo(written.size());
        for (int i = 0; i < written.size(); i++) {
            FrameEvent e = ring.get(i);
            assertThat(e.cameraIndex).isEqualTo(3);
            assertThat(e.cameraId).isEqualTo("cam");
            assertThat(e.frameNumber).isEqualTo(i);
            assertThat(e.width).isEqualTo(width);
            assertThat(e.height).isEqualTo(height);
            assertThat(e.mediaMicros).isEqualTo(i * 40_000L);
            byte[] got = java.util.Arrays.copyOf(e.pixels, width * height * 3);
            assertThat(got).as("frame %d", i).isEqualTo(written.get(i));
        }
        assertThat(ring.get(1).captureNanos).isGreaterThanOrEqualTo(ring.get(0).captureNanos);
    }

    @Test
    void aFrameLargerThanTheSlotsIsDroppedAndCounted() throws Exception {
        Path clip = dir.resolve("big.mkv");
        Clips.writeFfv1(clip, 64, 48, 3, new ArrayList<>());
        RingBuffer<FrameEvent> ring = RingBuffer.createSingleProducer(new FrameEventFactory(4, 32 * 32 * 3, 1, 1, 1), 4);
        CameraStats stats = new CameraStats("cam");
        FileFrameSource source = new FileFrameSource("cam", clip, false);
        source.open();
        new CaptureLoop(0, "cam", source, 0, 0, ring, stats, started("cam")).run();
        assertThat(stats.framesIn.get()).isEqualTo(3);
        assertThat(stats.droppedTooLarge.get()).isEqualTo(3);
    }

    @Test
    void missingAndCorruptFilesFailWithOneLineNamingTheCamera() throws Exception {
        assertThatThrownBy(() -> new FileFrameSource("line2", dir.resolve("nope.mp4"), false).open())
                .isInstanceOf(CaptureException.class)
                .hasMessage("camera line2: cannot open " + dir.resolve("nope.mp4") + ": no such file");
        Path junk = dir.resolve("junk.mp4");
        Files.write(junk, new byte[4096]);
        assertThatThrownBy(() -> new FileFrameSource("line2", junk, false).open())
                .isInstanceOf(CaptureException.class)
                .hasMessageStartingWith("camera line2: cannot open " + junk + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aLoopedFileKeepsItsMediaClockGoing() throws Exception {
        Path clip = dir.resolve("loop.mkv");
        Clips.writeFfv1(clip, 32, 32, 4, new ArrayList<>());
        FileFrameSource source = new FileFrameSource("cam", clip, true);
        source.open();
        MediaClock clock = new MediaClock(source.frameRate());
        long last = -1;
        for (int i = 0; i < 10; i++) {
            Frame f = source.next();
            assertThat(f).isNotNull();
            long t = clock.toMediaMicros(f.timestamp);
            assertThat(t).isGreaterThan(last);
            last = t;
        }
        assertThat(last).isEqualTo(9 * 40_000L);
        source.close();
    }

    private static SourceStateMachine started(String cameraId) {
        SourceStateMachine state = new SourceStateMachine(cameraId, (id, s, reason) -> { });
        state.moveTo(SourceState.CONNECTING, "");
        return state;
    }

    /**
     * A yuv420p stream's frames go into the slots straight from the decoder's planes (one copy): the
     * slot holds what the packed path gives, byte for byte, where FFmpeg pads the rows of the planes
     * (170: chroma rows of 85) and at odd sizes, whose chroma planes round up.
     */
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"320, 240", "170, 96", "171, 97"})
    void i420PlanesReachTheSlotAsThePackedPathGivesThem(int width, int height) throws Exception {
        Path clip = dir.resolve("yuv.mkv");
        // The FFmpeg command line, since JavaCV's recorder rounds odd sizes up.
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=" + width
                + "x" + height + ":rate=25", "-frames:v", "8", "-c:v", "ffv1", "-pix_fmt", "yuv420p", clip.toString())
                .redirectErrorStream(true).start();
        assertThat(new String(ffmpeg.getInputStream().readAllBytes())).isEmpty();
        assertThat(ffmpeg.waitFor()).isZero();
        int bytes = FrameEvent.PixelFormat.I420.frameBytes(width, height);
        List<byte[]> packed = new ArrayList<>();
        FileFrameSource reference = new FileFrameSource("cam", clip, false, FrameEvent.PixelFormat.I420, null);
        reference.open();
        assertThat(reference.width() + "x" + reference.height()).isEqualTo(width + "x" + height);
        for (Frame f = reference.next(); f != null; f = reference.next()) {
            assertThat(f.opaque).isNull();
            byte[] b = new byte[bytes];
            ((java.nio.ByteBuffer) f.image[0]).get(0, b, 0, bytes);
            packed.add(b);
        }
        reference.close();

        FileFrameSource source = new FileFrameSource("cam", clip, false, FrameEvent.PixelFormat.I420, null);
        source.handOverPlanes();
        source.open();
        RingBuffer<FrameEvent> ring = RingBuffer.createSingleProducer(new FrameEventFactory(16, bytes, 1, 1, 1), 16);
        CameraStats stats = new CameraStats("cam");
        new CaptureLoop(0, "cam", source, 0, 0, ring, stats, started("cam")).run();
        assertThat(stats.framesIn.get()).isEqualTo(packed.size()).isEqualTo(8);
        assertThat(stats.dropped()).isZero();
        for (int i = 0; i < packed.size(); i++) {
            assertThat(java.util.Arrays.copyOf(ring.get(i).pixels, bytes)).as("frame %d", i).isEqualTo(packed.get(i));
        }
        FileFrameSource handing = new FileFrameSource("cam", clip, false, FrameEvent.PixelFormat.I420, null);
        handing.handOverPlanes();
        handing.open();
        assertThat(handing.next().opaque).as("the planes are handed over, not packed").isInstanceOf(DecodedPlanes.class);
        handing.close();
    }
}
