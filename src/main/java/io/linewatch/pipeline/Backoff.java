package io.linewatch.pipeline;

import java.util.random.RandomGenerator;

/**
 * Exponential back-off with jitter between reconnection attempts. The n-th delay since the last
 * {@link #reset()} (n from 0) is drawn uniformly from {@code [base/2, base]} with {@code base =
 * min(maxMillis, minMillis * 2^n)}, so cameras that failed together do not retry together. Used by
 * one retry loop on one thread (a live camera's capture, the MQTT publisher).
 */
public final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private int attempts;

    public Backoff(long minMillis, long maxMillis, RandomGenerator random) {
        if (minMillis < 1 || maxMillis < minMillis) {
            throw new IllegalArgumentException("need 1 <= min <= max, got " + minMillis + " and " + maxMillis);
        }
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one failed attempt. */
    public long nextDelayMillis() {
        long base = baseMillis(attempts);
        attempts = Math.min(attempts + 1, 62);
        long half = base / 2;
        return half + random.nextLong(base - half + 1);
    }

    /** After a connection that streamed: the next failure starts again from the shortest delay. */
    public void reset() {
        attempts = 0;
    }

    /** Failed attempts since the last reset. */
    public int attempts() {
        return attempts;
    }

    private long baseMillis(int n) {
        if (n >= 62 || minMillis > (maxMillis >> n)) {
            return maxMillis;
        }
        return Math.min(maxMillis, minMillis << n);
    }
}
