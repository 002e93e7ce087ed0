package io.linewatch.sinks;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th delay in a row is drawn uniformly from the upper half of
 * {@code min * 2^n}, capped at {@code max}, so many clients cut off together do not come back in step.
 * Not thread-safe: one per retry loop.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private int failures;

    Backoff(long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
    }

    long nextDelayMillis() {
        long ceiling = Math.min(maxMillis, minMillis << Math.min(failures, 30));
        failures++;
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
    }

    void reset() {
        failures = 0;
    }
}
