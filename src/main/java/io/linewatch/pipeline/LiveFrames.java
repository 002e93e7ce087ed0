package io.linewatch.pipeline;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Each camera's live picture for whoever watches (the console): the latest annotated JPEG, and
 * whether anyone has asked for one lately. A viewer calls {@link #watch} with each request; the
 * lanes' live stages encode a frame only while a camera is watched, at most once per
 * {@link #periodNanos}, and {@link #publish} it. Any thread; nothing here blocks.
 */
public final class LiveFrames {

    /** A picture: its JPEG bytes (never changed once published) and the frame it shows. */
    public record Picture(byte[] jpeg, long frameNumber, long encodedNanos) {
    }

    /** How long a camera stays watched after the last request for its picture. */
    public static final long WATCH_NANOS = 3_000_000_000L;

    private final List<String> cameraIds;
    private final long periodNanos;
    private final long[] watchedUntilNanos;
    private final AtomicLong[] lastTakenNanos;
    private final AtomicReferenceArray<Picture> latest;
    /** Pictures encoded since the start, all cameras. */
    public final AtomicLong encoded = new AtomicLong();

    /** @param periodNanos the least time between two pictures of one camera (200 ms: 5 a second) */
    public LiveFrames(List<String> cameraIds, long periodNanos) {
        this.cameraIds = List.copyOf(cameraIds);
        this.periodNanos = periodNanos;
        this.watchedUntilNanos = new long[cameraIds.size()];
        this.lastTakenNanos = new AtomicLong[cameraIds.size()];
        for (int i = 0; i < lastTakenNanos.length; i++) {
            lastTakenNanos[i] = new AtomicLong(Long.MIN_VALUE / 2);
        }
        this.latest = new AtomicReferenceArray<>(cameraIds.size());
    }

    /** The index of camera {@code id}, or -1 when there is none of that name. */
    public int indexOf(String id) {
        return cameraIds.indexOf(id);
    }

    /** The camera ids, in config order. */
    public List<String> cameraIds() {
        return cameraIds;
    }

    /** Someone wants camera {@code index}'s picture: it is encoded for the next {@link #WATCH_NANOS}. */
    public void watch(int index) {
        synchronized (watchedUntilNanos) {
            watchedUntilNanos[index] = System.nanoTime() + WATCH_NANOS;
        }
    }

    /**
     * True when a frame of camera {@code index} captured now should be encoded: someone watches and
     * the last picture is a period old. Claims the period (a second call within it answers false).
     */
    public boolean take(int index, long nowNanos) {
        long until;
        synchronized (watchedUntilNanos) {
            until = watchedUntilNanos[index];
        }
        if (until == 0 || nowNanos - until > 0) {
            return false;
        }
        long last = lastTakenNanos[index].get();
        return nowNanos - last >= periodNanos && lastTakenNanos[index].compareAndSet(last, nowNanos);
    }

    /** Hands in camera {@code index}'s newest picture. */
    public void publish(int index, Picture picture) {
        latest.set(index, picture);
        encoded.incrementAndGet();
    }

    /** Camera {@code index}'s newest picture, or null before the first. */
    public Picture latest(int index) {
        return latest.get(index);
    }
}
