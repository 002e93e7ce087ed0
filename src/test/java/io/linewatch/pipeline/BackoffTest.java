package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void eachDelayLiesBetweenHalfAndAllOfADoublingBaseCappedAtTheMaximum() {
        Backoff backoff = new Backoff(100, 1_000, new Random(1));
        long[] bases = {100, 200, 400, 800, 1_000, 1_000, 1_000};
        for (int round = 0; round < 200; round++) {
            backoff.reset();
            for (long base : bases) {
                assertThat(backoff.nextDelayMillis()).isBetween(base / 2, base);
            }
        }
    }

    @Test
    void delaysGrowOnAverageUntilTheCap() {
        double previous = 0;
        for (int attempt = 0; attempt < 8; attempt++) {
            double sum = 0;
            for (int i = 0; i < 500; i++) {
                Backoff b = new Backoff(100, 100_000, new Random(i));
                for (int k = 0; k < attempt; k++) {
                    b.nextDelayMillis();
                }
                sum += b.nextDelayMillis();
            }
            double mean = sum / 500;
            assertThat(mean).isGreaterThan(previous * 1.8);
            previous = mean;
        }
    }

    @Test
    void jitterSpreadsCamerasThatFailedTogether() {
        Set<Long> delays = new HashSet<>();
        for (int camera = 0; camera < 20; camera++) {
            Backoff b = new Backoff(1_000, 30_000, new Random(camera));
            b.nextDelayMillis();
            b.nextDelayMillis();
            delays.add(b.nextDelayMillis());
        }
        assertThat(delays).hasSizeGreaterThan(15);
    }

    @Test
    void aResetAfterStreamingStartsAgainFromTheShortestDelay() {
        Backoff backoff = new Backoff(100, 10_000, new Random(3));
        for (int i = 0; i < 10; i++) {
            backoff.nextDelayMillis();
        }
        assertThat(backoff.attempts()).isEqualTo(10);
        assertThat(backoff.nextDelayMillis()).isBetween(5_000L, 10_000L);
        backoff.reset();
        assertThat(backoff.attempts()).isZero();
        assertThat(backoff.nextDelayMillis()).isBetween(50L, 100L);
    }

    @Test
    void manyAttemptsNeitherOverflowNorPassTheCap() {
        Backoff backoff = new Backoff(1, Long.MAX_VALUE / 4, new Random(4));
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.nextDelayMillis()).isNotNegative().isLessThanOrEqualTo(Long.MAX_VALUE / 4);
        }
    }

    @Test
    void boundsMustMakeSense() {
        assertThatThrownBy(() -> new Backoff(0, 10, new Random())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(100, 10, new Random())).isInstanceOf(IllegalArgumentException.class);
    }
}
