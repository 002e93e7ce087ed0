package io.linewatch.sinks;

import io.linewatch.pipeline.FrameEvent;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each camera's recent results lines, for the sidecars of its clips: the results stages of the
 * lanes {@link #write} one line a frame (sink threads), the clip writer's thread takes the lines of
 * a clip's span ({@link #take}). A camera keeps the lines of its last {@code keepMicros} of media
 * time (what a clip may still reach back to); older ones go. One lock per camera, held to add or
 * copy out a line.
 */
public final class ClipFrames implements FrameLines {

    /** One frame's results line (without its newline), at the frame's media and wall-clock time. */
    public record Line(long frameNumber, long mediaMicros, long epochMillis, String json) {
    }

    /** Told each line {@link #take} finds. */
    @FunctionalInterface
    interface LineSink {
        void line(Line line) throws java.io.IOException;
    }

    private final long keepMicros;
    private final Map<String, Camera> cameras = new ConcurrentHashMap<>();

    public ClipFrames(long keepMicros) {
        this.keepMicros = keepMicros;
    }

    private static final class Camera {
        final ArrayDeque<Line> lines = new ArrayDeque<>();
        long newestMicros = Long.MIN_VALUE;
    }

    @Override
    public void write(FrameEvent event, CharSequence line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == '\n') {
            end--;
        }
        Line l = new Line(event.frameNumber, event.mediaMicros, event.captureEpochMillis,
                line.subSequence(0, end).toString());
        Camera c = cameras.computeIfAbsent(event.cameraId, id -> new Camera());
        synchronized (c) {
            c.lines.add(l);
            c.newestMicros = Math.max(c.newestMicros, l.mediaMicros());
            while (c.lines.peek().mediaMicros() < c.newestMicros - keepMicros) {
                c.lines.poll();
            }
        }
    }

    /**
     * Gives {@code to} the camera's lines of media time in {@code (afterMicros, untilMicros]}, oldest
     * first; returns the time of the last one given, or {@code afterMicros} when none was.
     */
    long take(String camera, long afterMicros, long untilMicros, LineSink to) throws java.io.IOException {
        Camera c = cameras.get(camera);
        if (c == null) {
            return afterMicros;
        }
        java.util.List<Line> found = new java.util.ArrayList<>();
        synchronized (c) {
            for (Line l : c.lines) {
                if (l.mediaMicros() > afterMicros && l.mediaMicros() <= untilMicros) {
                    found.add(l);
                }
            }
        }
        long last = afterMicros;
        for (Line l : found) {
            to.line(l);
            last = l.mediaMicros();
        }
        return last;
    }

    /** The media time of the camera's newest line; {@code Long.MIN_VALUE} before the first. */
    long newestMicros(String camera) {
        Camera c = cameras.get(camera);
        if (c == null) {
            return Long.MIN_VALUE;
        }
        synchronized (c) {
            return c.newestMicros;
        }
    }
}
