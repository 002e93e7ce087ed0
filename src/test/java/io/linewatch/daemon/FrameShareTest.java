package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.StageStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * How two preprocess threads share a lane's frames: a camera whose gate keeps state goes whole to one
 * thread, such cameras in turn; every other camera's frames alternate by sequence; each frame is run
 * by exactly one instance, whose handler alone sees it, and counted once in the shared stage stats. A
 * batching stage's instance (an engine) still sees the others' frames pass by.
 */
class FrameShareTest {

    // the config has cameras 0..5; the lane has 0, 2, 3 and 5; cameras 2, 3 and 5 keep gate state
    private static final boolean[] IN_ORDER = {false, false, true, true, false, true};
    private static final int[] CAMERA_OF_SEQUENCE = {0, 0, 2, 3, 0, 5, 2, 0};

    @Test
    void camerasThatNeedOrderGoWholeInTurnAndTheOthersAlternateBySequence() throws Exception {
        int[] owners = FrameShare.owners(List.of(0, 2, 3, 5), IN_ORDER, 2);
        assertThat(owners).containsExactly(FrameShare.BY_SEQUENCE, FrameShare.BY_SEQUENCE, 0, 1,
                FrameShare.BY_SEQUENCE, 0);

        StageStats stats = new StageStats("lane", "preprocess");
        List<String> ran0 = new ArrayList<>();
        List<String> ran1 = new ArrayList<>();
        TimedHandler thread0 = new TimedHandler(recorder(ran0), stats, new CountDownLatch(1), false,
                new FrameShare(0, 2, owners));
        TimedHandler thread1 = new TimedHandler(recorder(ran1), stats, new CountDownLatch(1), false,
                new FrameShare(1, 2, owners));
        feed(thread0, thread1, owners);

        assertThat(ran0).containsExactly("0@0", "2@2", "0@4", "5@5", "2@6");
        assertThat(ran1).containsExactly("0@1", "3@3", "0@7");
        assertThat(stats.frames.get()).as("each frame counted once").isEqualTo(CAMERA_OF_SEQUENCE.length);
    }

    @Test
    void aBatchingInstanceSeesEveryFrameAndCountsItsOwn() throws Exception {
        int[] owners = FrameShare.owners(List.of(0, 2, 3, 5), IN_ORDER, 2);
        StageStats stats = new StageStats("lane", "inference");
        List<String> ran = new ArrayList<>();
        TimedHandler engine0 = new TimedHandler(recorder(ran), stats, new CountDownLatch(1), true,
                new FrameShare(0, 2, owners));
        FrameEvent e = new FrameEventFactory(1, 3, 1, 1, 1).newInstance();
        for (int seq = 0; seq < CAMERA_OF_SEQUENCE.length; seq++) {
            e.cameraIndex = CAMERA_OF_SEQUENCE[seq];
            engine0.onEvent(e, seq, seq == CAMERA_OF_SEQUENCE.length - 1);
        }
        assertThat(ran).hasSize(CAMERA_OF_SEQUENCE.length);
        assertThat(stats.frames.get()).isEqualTo(5);
    }

    private static void feed(TimedHandler thread0, TimedHandler thread1, int[] owners) throws Exception {
        FrameEvent e = new FrameEventFactory(1, 3, 1, 1, 1).newInstance();
        FrameShare share0 = new FrameShare(0, 2, owners);
        FrameShare share1 = new FrameShare(1, 2, owners);
        for (int seq = 0; seq < CAMERA_OF_SEQUENCE.length; seq++) {
            e.cameraIndex = CAMERA_OF_SEQUENCE[seq];
            assertThat(share0.owns(e, seq)).as("sequence %d owned by exactly one instance", seq)
                    .isNotEqualTo(share1.owns(e, seq));
            thread0.onEvent(e, seq, false);
            thread1.onEvent(e, seq, false);
        }
    }

    private static EventHandler<FrameEvent> recorder(List<String> ran) {
        return (event, sequence, endOfBatch) -> ran.add(event.cameraIndex + "@" + sequence);
    }
}
