package io.linewatch.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.SourceState;
import io.linewatch.testing.LogLines;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

/**
 * Decode errors in the capture loop, from a source that follows a script of frames and errors: each
 * failed frame is dropped and counted, a run of errors gets one warning, and the 25th error in a row
 * stops that camera alone (with one error line), while a camera beside it on the same ring delivers
 * every frame.
 */
class CaptureLoopDecodeErrorTest {

    private static final int W = 8;
    private static final int H = 6;

    /** Plays a script: {@code 'f'} a frame, {@code 'e'} a decode error; then good frames, or the end. */
    private static final class ScriptedSource implements FrameSource {
        private final String camera;
        private final String script;
        private final boolean endless;
        private final Frame frame = new Frame(W, H, Frame.DEPTH_UBYTE, 3);
        int calls;

        ScriptedSource(String camera, String script, boolean endless) {
            this.camera = camera;
            this.script = script;
            this.endless = endless;
        }

        @Override
        public void open() {
            // nothing to open
        }

        @Override
        public int width() {
            return W;
        }

        @Override
        public int height() {
            return H;
        }

        @Override
        public double frameRate() {
            return 25;
        }

        @Override
        public Frame next() throws CaptureException {
            int at = calls++;
            if (at >= script.length()) {
                return endless ? frame : null;
            }
            if (script.charAt(at) == 'e') {
                throw new CaptureException("camera " + camera + ": cannot decode call " + at, null);
            }
            return frame;
        }

        @Override
        public void close() {
            // nothing to close
        }
    }

    private record Run(CameraStats stats, List<String> reasons, ScriptedSource source) { }

    /** Runs one capture loop per source, all on one ring, to their ends; frames counted by camera. */
    private static List<Run> capture(ScriptedSource... sources) throws Exception {
        FrameEventFactory factory = new FrameEventFactory(1024, W * H * 3, 1, 1, 1);
        RingBuffer<FrameEvent> ring = RingBuffer.createMultiProducer(factory, 1024); // no consumer: never full
        List<Run> runs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sources.length; i++) {
            CameraStats stats = new CameraStats(sources[i].camera);
            List<String> reasons = new CopyOnWriteArrayList<>();
            SourceStateMachine state = new SourceStateMachine(sources[i].camera, (camera, s, reason) -> reasons.add(s + ": " + reason));
            state.moveTo(SourceState.CONNECTING, "opened");
            Thread thread = new Thread(new CaptureLoop(i, sources[i].camera, sources[i], 0, 1_000, ring, stats, state));
            thread.start();
            threads.add(thread);
            runs.add(new Run(stats, reasons, sources[i]));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return runs;
    }

    private static long published(Run run) {
        return run.stats.framesIn.get() - run.stats.dropped();
    }

    @Test
    void errorsAreDroppedAndCountedWithOneWarningPerRunAndTheCameraRecovers() throws Exception {
        String script = "fff" + "e".repeat(5) + "ffff" + "e".repeat(24) + "ff";
        Run run;
        List<String> warnings;
        try (LogLines log = new LogLines()) {
            run = capture(new ScriptedSource("flaky", script, false)).get(0);
            warnings = log.containing("camera flaky");
        }
        assertThat(run.stats.droppedDecodeError.get()).as("frames dropped for decode errors").isEqualTo(29);
        assertThat(run.stats.framesIn.get()).as("frames read").isEqualTo(38);
        assertThat(published(run)).as("frames delivered").isEqualTo(9);
        assertThat(warnings).as("one warning per run of errors, naming its first frame").containsExactly(
                "camera flaky: cannot decode call 3 (frame 3 dropped; the camera goes on)",
                "camera flaky: cannot decode call 12 (frame 12 dropped; the camera goes on)");
        assertThat(run.reasons).as("state changes").last().isEqualTo("STOPPED: end of file");
    }

    @Test
    void theTwentyFifthErrorInARowStopsThatCameraAloneAndTheOthersGoOn() throws Exception {
        List<Run> runs;
        List<String> flaky;
        List<String> steady;
        try (LogLines log = new LogLines()) {
            runs = capture(new ScriptedSource("broken", "ff" + "e".repeat(25), true),
                    new ScriptedSource("steady", "", true));
            flaky = log.containing("camera broken");
            steady = log.containing("camera steady");
        }
        Run broken = runs.get(0);
        assertThat(broken.source.calls).as("frames asked of the broken source").isEqualTo(27);
        assertThat(broken.stats.droppedDecodeError.get()).isEqualTo(25);
        assertThat(published(broken)).isEqualTo(2);
        assertThat(flaky).containsExactly(
                "camera broken: cannot decode call 2 (frame 2 dropped; the camera goes on)",
                "camera broken: cannot decode call 26 (stopping camera after 25 errors in a row)");
        assertThat(broken.reasons).last().isEqualTo("STOPPED: stopped after 25 decode errors in a row");

        Run other = runs.get(1);
        assertThat(published(other)).as("frames the other camera delivered").isEqualTo(1_000);
        assertThat(other.stats.droppedDecodeError.get()).isZero();
        assertThat(steady).isEmpty();
        assertThat(other.reasons).last().isEqualTo("STOPPED: frame limit reached");
    }
}
