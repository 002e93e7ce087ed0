package io.linewatch.capture;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The frame-age watchdog of the live cameras: one daemon thread that checks every camera it watches
 * each {@link #TICK_MILLIS} ms, so a stall is declared within the camera's stall timeout plus one
 * tick even while its capture thread is blocked in FFmpeg. A check only reads clocks and, on a stall,
 * moves the camera's state and aborts its read: a dead camera never holds up the others.
 */
public final class SourceWatchdog implements AutoCloseable {

    public static final String NAME = "source-watchdog";
    public static final long TICK_MILLIS = 50;

    private final List<LiveCapture> watched = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService timer;

    /** Starts watching {@code capture} (the thread starts with the first camera). */
    public synchronized void watch(LiveCapture capture) {
        watched.add(capture);
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lw-" + NAME);
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::check, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops watching {@code capture} (a camera whose capture a reload replaced). */
    public void unwatch(LiveCapture capture) {
        watched.remove(capture);
    }

    private void check() {
        long now = System.nanoTime();
        for (LiveCapture capture : watched) {
            capture.checkFrameAge(now);
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        watched.clear();
    }
}
