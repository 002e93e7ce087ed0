package io.linewatch.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.SourceState;
import io.linewatch.testing.Clips;
import io.linewatch.testing.LogLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture faults in plain words: a file FFmpeg cannot open is named with FFmpeg's own reason, the
 * camera once, none of JavaCV's hints; a stream that grows mid-way has its frames scaled into the
 * size it opened at (none dropped), said once in the log and once as the camera's state message.
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
}
