package io.linewatch.capture;

/**
 * Turns a source's frame timestamps into a media clock that never goes back: when a looped file
 * starts over, the clock carries on from where it was, one frame later.
 */
final class MediaClock {

    private final long frameMicros;
    private long offsetMicros;
    private long lastMicros = -1;

    MediaClock(double framesPerSecond) {
        this.frameMicros = framesPerSecond > 0 ? Math.round(1e6 / framesPerSecond) : 40_000;
    }

    long toMediaMicros(long timestampMicros) {
        long t = timestampMicros + offsetMicros;
        if (lastMicros >= 0 && t <= lastMicros) {
            offsetMicros += lastMicros + frameMicros - t;
            t = lastMicros + frameMicros;
        }
        lastMicros = t;
        return t;
    }
}
