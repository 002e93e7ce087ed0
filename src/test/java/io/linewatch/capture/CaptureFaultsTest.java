package io.linewatch.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.SourceState;
import io.linewatch.testing.Clips;
import io.linewatch.config.CameraConfig;
import io.linewatch.testing.LogLines;
import io.linewatch.testing.RtspServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.Frame;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture faults in plain words: a file FFmpeg cannot open is named with FFmpeg's own reason, the
 * camera once, none of JavaCV's hints; a stream that grows mid-way has its frames scaled into the
 * size it opened at (none dropped), said once in the log and once as the camera's state message;
 * so does a live RTSP camera that changes to a larger size mid-stream.
 */
class CaptureFaultsTest {

    @TempDir
    Path dir;

    @Test
    void aFileThatCannotBeOpenedGetsFfmpegsOwnReasonAndTheCameraNamedOnce() throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.mp4"), new byte[4096]);
        FileFrameSource source = new FileFrameSource("belt", garbage, false);
        assertThatThrownBy(source::open).isInstanceOf(CaptureException.class)
                .hasMessage("camera belt: cannot open " + garbage + ": Invalid data found when processing input");
    }

    @Test
    void aStreamThatGrowsIsScaledIntoItsSlotsWithOneLineAndOneStateMessage() throws Exception {
        byte[] small = Clips.h264Ts(dir, 320, 240, 30);
        byte[] huge = Clips.h264Ts(dir, 800, 600, 30);
        byte[] both = new byte[small.length + huge.length];
        System.arraycopy(small, 0, both, 0, small.length);
        System.arraycopy(huge, 0, both, small.length, huge.length);
        Path grows = Files.write(dir.resolve("grows.ts"), both);
        FileFrameSource source = new FileFrameSource("grows", grows, false);
        source.open();
        RingBuffer<FrameEvent> ring = RingBuffer.createSingleProducer(new FrameEventFactory(64, 320 * 240 * 3, 1, 1, 1),
                64);
        ring.addGatingSequences(); // no consumer: never full
        CameraStats stats = new CameraStats("grows");
        List<String> states = new CopyOnWriteArrayList<>();
        SourceStateMachine state = new SourceStateMachine("grows", (camera, s, reason) -> states.add(s + ": " + reason));
        state.moveTo(SourceState.CONNECTING, "opened");
        String line = "from frame 30 the source delivers 800x600, more than it opened at (320x240); such frames are"
                + " scaled to 320x240";
        try (LogLines log = new LogLines()) {
            new CaptureLoop(0, "grows", source, 0, 0, ring, stats, state).run();
            assertThat(log.containing("camera grows: from frame")).containsExactly("camera grows: " + line);
        }
        assertThat(states).filteredOn(s -> s.contains("800x600")).containsExactly("STREAMING: " + line);
        assertThat(stats.framesIn.get()).isEqualTo(60);
        assertThat(stats.droppedTooLarge.get()).isZero();
        assertThat(stats.dropped()).isZero();
    }

    /**
     * A live RTSP camera (a real GStreamer server sending MJPEG pictures, 20 at 320x240, then 20 at
     * 640x480) with clips off, in packed BGR and in a detection camera's I420 planes: the larger
     * pictures arrive scaled to the size the camera opened at, none dropped, with the picture where it
     * was (the orange square's centre is orange, its corner's mirror black), and the growth is one
     * state note.
     */
    @ParameterizedTest
    @EnumSource(value = FrameEvent.PixelFormat.class, names = {"BGR24", "I420"})
    void aLiveCameraThatGrowsIsScaledIntoItsSizeWithOneNote(FrameEvent.PixelFormat format) throws Exception {
        for (int i = 0; i < 40; i++) {
            int w = i < 20 ? 320 : 640;
            BufferedImage picture = new BufferedImage(w, w * 3 / 4, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = picture.createGraphics();
            g.setColor(Color.ORANGE);
            g.fillRect(i * 5, w / 8, w / 4, w / 4);
            g.dispose();
            ImageIO.write(picture, "jpg", dir.resolve(String.format("p%03d.jpg", i)).toFile());
        }
        try (RtspServer server = RtspServer.startJpegs(dir.resolve("rtsp.log"), dir.resolve("p%03d.jpg"), 10)) {
            CameraConfig camera = new CameraConfig("dock", server.url(), "m", null, null, CameraConfig.RtspTransport.TCP,
                    5000, 3000, 100, 1000, null, null, null, null, null);
            LiveFrameSource source = new LiveFrameSource(camera, format);
            List<String> notes = new CopyOnWriteArrayList<>();
            source.stateNotes(notes::add);
            source.open();
            List<String> sizes = new java.util.ArrayList<>();
            int[] lastGrown = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            try {
                Frame f;
                while (sizes.size() < 40 && System.nanoTime() < deadline && (f = source.next()) != null) {
                    sizes.add(f.imageWidth + "x" + f.imageHeight);
                    if (sizes.size() > 25) {
                        lastGrown = colours(f, format);
                    }
                }
            } catch (CaptureException e) {
                // the server's stream ended
            } finally {
                source.dispose();
            }
            assertThat(sizes).as("pictures received, each in the size the camera opened at").hasSizeGreaterThan(30)
                    .containsOnly("320x240");
            assertThat(notes).containsExactly(server.url() + " delivers 640x480, more than it opened at; such frames"
                    + " are scaled to 320x240");
            assertThat(lastGrown).as("a scaled picture").isNotNull();
            if (format == FrameEvent.PixelFormat.I420) {
                assertThat(lastGrown[0]).as("luma inside the square (orange: about 180)").isBetween(150, 210);
                assertThat(lastGrown[1]).as("luma below it (black: 16)").isLessThan(40);
            } else {
                assertThat(lastGrown[0]).as("red inside the square").isGreaterThan(200);
                assertThat(lastGrown[1]).as("red below it").isLessThan(40);
            }
        }
    }

    /**
     * In a scaled frame (320x240) of a grown picture (the square 160 wide from x = 5i, y = 80, at
     * 640x480, so at x 2.5i to 2.5i + 80, y 40 to 120 once scaled; i from 26 on), the luma (I420) or
     * red (BGR) at (120, 80), inside the square in every such frame, and at (120, 200), below it.
     */
    private static int[] colours(Frame f, FrameEvent.PixelFormat format) {
        java.nio.ByteBuffer b = (java.nio.ByteBuffer) f.image[0];
        int x = 120;
        int inside = 80 * f.imageStride + x * (format == FrameEvent.PixelFormat.I420 ? 1 : 3);
        int below = 200 * f.imageStride + x * (format == FrameEvent.PixelFormat.I420 ? 1 : 3);
        int channel = format == FrameEvent.PixelFormat.I420 ? 0 : 2;
        return new int[] {b.get(inside + channel) & 0xff, b.get(below + channel) & 0xff};
    }
}
