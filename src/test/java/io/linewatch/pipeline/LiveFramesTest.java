package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A camera's live picture is taken only while someone watches it, at most once a period. */
class LiveFramesTest {

    private static final long PERIOD = 200_000_000L;

    @Test
    void nothingIsTakenUnwatchedThenOncePerPeriodUntilTheWatchLapses() {
        LiveFrames live = new LiveFrames(List.of("a", "b"), PERIOD);
        long now = System.nanoTime();
        assertThat(live.take(0, now)).as("nobody watches").isFalse();
        live.watch(0);
        assertThat(live.take(1, now)).as("the other camera is not watched").isFalse();
        assertThat(live.take(0, now)).isTrue();
        assertThat(live.take(0, now + PERIOD / 2)).as("within the period").isFalse();
        assertThat(live.take(0, now + PERIOD)).isTrue();
        assertThat(live.take(0, now + PERIOD + LiveFrames.WATCH_NANOS + 1)).as("the watch lapsed").isFalse();
        assertThat(live.indexOf("b")).isEqualTo(1);
        assertThat(live.indexOf("../a")).isEqualTo(-1);
        assertThat(live.latest(0)).isNull();
        live.publish(0, new LiveFrames.Picture(new byte[] {1}, 7, now));
        assertThat(live.latest(0).frameNumber()).isEqualTo(7);
        assertThat(live.encoded.get()).isEqualTo(1);
    }
}
