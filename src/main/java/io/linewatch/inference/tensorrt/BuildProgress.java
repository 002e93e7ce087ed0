package io.linewatch.inference.tensorrt;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Progress lines of a long build (TensorRT takes minutes on a Jetson): every interval, the time
 * elapsed and the builder's latest step; at the end, the total. Lines go to one consumer (the CLI
 * prints them, the daemon logs them), from a timer thread.
 */
final class BuildProgress implements AutoCloseable {

    private final String what;
    private final Consumer<String> out;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService timer;
    private volatile String step;

    /**
     * @param what           what is being built, leading every line
     * @param intervalMillis time between progress lines
     */
    BuildProgress(String what, Consumer<String> out, long intervalMillis) {
        this.what = what;
        this.out = out;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lw-build-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Records the builder's latest step, shown with the next progress line. */
    void step(String line) {
        step = line;
    }

    /** Elapsed time as {@code m:ss}. */
    String elapsed() {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void tick() {
        String s = step;
        out.accept(what + ": " + elapsed() + " elapsed" + (s == null ? "" : " (" + shorten(s) + ")"));
    }

    private static String shorten(String line) {
        String first = line.lines().findFirst().orElse("").trim();
        return first.length() > 100 ? first.substring(0, 100) + "..." : first;
    }

    /** Stops the progress lines. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
