package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How two preprocess threads share a lane's frames: a camera whose gate keeps state goes whole to one
 * thread, such cameras in turn; every other camera's frames alternate by sequence; each frame is run
 * by exactly one instance.
 */
class FrameShareTest {

    @Test
    void camerasThatNeedOrderGoWholeInTurnAndTheOthersAlternateBySequence() throws Exception {
        // the config has cameras 0..5; the lane has 0, 2, 3 and 5; cameras 2, 3 and 5 keep gate state
        boolean[] inOrder = {false, false, true, true, false, true};
        int[] owners = FrameShare.owners(List.of(0, 2, 3, 5), inOrder, 2);
        assertThat(owners).containsExactly(FrameShare.BY_SEQUENCE, FrameShare.BY_SEQUENCE, 0, 1,
                FrameShare.BY_SEQUENCE, 0);

        List<String> ran0 = new ArrayList<>();
        List<String> ran1 = new ArrayList<>();
        FrameShare share0 = new FrameShare(recorder(ran0), 0, 2, owners);
        FrameShare share1 = new FrameShare(recorder(ran1), 1, 2, owners);
        int[] cameraOfSequence = {0, 0, 2, 3, 0, 5, 2, 0};
        FrameEvent e = new FrameEventFactory(1, 3, 1, 1, 1).newInstance();
        for (int seq = 0; seq < cameraOfSequence.length; seq++) {
            e.cameraIndex = cameraOfSequence[seq];
            assertThat(share0.owns(e, seq)).as("sequence %d run by exactly one instance", seq)
                    .isNotEqualTo(share1.owns(e, seq));
            share0.onEvent(e, seq, false);
            share1.onEvent(e, seq, false);
        }
        assertThat(ran0).containsExactly("0@0", "2@2", "0@4", "5@5", "2@6");
        assertThat(ran1).containsExactly("0@1", "3@3", "0@7");
    }

    private static EventHandler<FrameEvent> recorder(List<String> ran) {
        return (event, sequence, endOfBatch) -> ran.add(event.cameraIndex + "@" + sequence);
    }
}
