package io.linewatch.capture;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds a recorded source to its own frame rate, as a live camera would deliver it. A pacer whose
 * rate is 0 never waits (as fast as possible). Used by one capture thread.
 */
final class Pacer {

    private final long frameNanos;
    private long startNanos = -1;

    Pacer(double framesPerSecond) {
        this.frameNanos = framesPerSecond > 0 ? Math.round(1e9 / framesPerSecond) : 0;
    }

    /** Waits until frame {@code index} (counted from the first call) is due. */
    void awaitFrame(long index) {
        if (frameNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        long due = startNanos + index * frameNanos;
        while (now < due) {
            LockSupport.parkNanos(due - now);
            now = System.nanoTime();
        }
    }
}
