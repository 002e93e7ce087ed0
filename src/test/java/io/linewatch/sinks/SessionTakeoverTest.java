package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What tells a taken session from an outage: short connections accepted at once, three in a row. */
class SessionTakeoverTest {

    @Test
    void threeShortConnectionsInARowAreATakeoverSaidOnce() {
        SessionTakeover t = new SessionTakeover();
        assertThat(t.lost(200)).isFalse();
        assertThat(t.lost(300)).isFalse();
        assertThat(t.lost(100)).as("the third: say it").isTrue();
        assertThat(t.lost(100)).as("said once").isFalse();
        assertThat(t.takenOver()).isTrue();
        assertThat(t.held(SessionTakeover.HOLD_TO_CLEAR_MILLIS - 1)).isFalse();
        assertThat(t.held(SessionTakeover.HOLD_TO_CLEAR_MILLIS)).as("a session that holds ends it").isTrue();
        assertThat(t.takenOver()).isFalse();
    }

    @Test
    void aBrokerThatRestartsIsAnOutageNotATakeover() {
        SessionTakeover t = new SessionTakeover();
        for (int restart = 0; restart < 10; restart++) {
            assertThat(t.lost(1_500)).isFalse();
            t.connectFailed(); // the broker refuses while it is down
        }
        assertThat(t.lost(1_500)).isFalse();
        assertThat(t.lost(SessionTakeover.SHORT_MILLIS)).as("a long connection starts the count again").isFalse();
        assertThat(t.lost(1_500)).isFalse();
        assertThat(t.takenOver()).isFalse();
    }
}
