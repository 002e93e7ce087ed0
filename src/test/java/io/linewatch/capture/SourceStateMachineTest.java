package io.linewatch.capture;

import static io.linewatch.pipeline.SourceState.BACKING_OFF;
import static io.linewatch.pipeline.SourceState.CONNECTING;
import static io.linewatch.pipeline.SourceState.STALLED;
import static io.linewatch.pipeline.SourceState.STOPPED;
import static io.linewatch.pipeline.SourceState.STREAMING;
import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.pipeline.SourceState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceStateMachineTest {

    private final List<String> told = new ArrayList<>();
    private final SourceStateMachine machine = new SourceStateMachine("cam1",
            (camera, state, reason) -> told.add(camera + " " + state + " " + reason));

    @Test
    void aLiveCameraCyclesThroughStallBackOffAndReconnection() {
        assertThat(machine.state()).isNull();
        assertThat(machine.moveTo(CONNECTING, "")).isTrue();
        assertThat(machine.moveTo(STREAMING, "640x360")).isTrue();
        assertThat(machine.moveTo(STALLED, "no frame for 5000 ms")).isTrue();
        assertThat(machine.moveTo(BACKING_OFF, "retry in 900 ms")).isTrue();
        assertThat(machine.moveTo(CONNECTING, "attempt 2")).isTrue();
        assertThat(machine.moveTo(BACKING_OFF, "Connection refused")).isTrue();
        assertThat(machine.moveTo(CONNECTING, "attempt 3")).isTrue();
        assertThat(machine.moveTo(STREAMING, "640x360")).isTrue();
        assertThat(machine.moveTo(STOPPED, "pipeline stopping")).isTrue();
        assertThat(told).containsExactly("cam1 CONNECTING ", "cam1 STREAMING 640x360", "cam1 STALLED no frame for 5000 ms",
                "cam1 BACKING_OFF retry in 900 ms", "cam1 CONNECTING attempt 2", "cam1 BACKING_OFF Connection refused",
                "cam1 CONNECTING attempt 3", "cam1 STREAMING 640x360", "cam1 STOPPED pipeline stopping");
    }

    @Test
    void transitionsASourceDoesNotMakeAreRefusedAndNotTold() {
        assertThat(machine.moveTo(STREAMING, "")).as("must connect first").isFalse();
        machine.moveTo(CONNECTING, "");
        assertThat(machine.moveTo(STALLED, "")).as("stalled without streaming").isFalse();
        assertThat(machine.moveTo(CONNECTING, "")).as("the same state again").isFalse();
        machine.moveTo(STREAMING, "");
        assertThat(machine.moveTo(BACKING_OFF, "")).as("backing off without a stall").isFalse();
        machine.moveTo(STOPPED, "");
        for (SourceState s : SourceState.values()) {
            assertThat(machine.moveTo(s, "")).as("after STOPPED: %s", s).isFalse();
        }
        assertThat(told).containsExactly("cam1 CONNECTING ", "cam1 STREAMING ", "cam1 STOPPED ");
    }

    @Test
    void aStallIsDeclaredOnceWhenTheWatchdogAndTheCaptureThreadBothSeeIt() {
        machine.moveTo(CONNECTING, "");
        machine.moveTo(STREAMING, "");
        assertThat(machine.moveIf(STREAMING, STALLED, "no frame for 5000 ms")).isTrue();
        assertThat(machine.moveIf(STREAMING, STALLED, "the stream ended")).isFalse();
        assertThat(machine.state()).isEqualTo(STALLED);
        assertThat(told).hasSize(3).last().isEqualTo("cam1 STALLED no frame for 5000 ms");
    }
}
