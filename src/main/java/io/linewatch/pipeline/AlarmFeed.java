package io.linewatch.pipeline;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Every accepted alarm event's JSON, as the sinks accepted it, and every {@code clip} message (the
 * event's clip complete on disk, or why it was not written), to whoever subscribed (the console
 * pushes them to browsers), and the last {@link #KEPT} of each for a page that opens later. Alarms
 * are published on the lanes' sink threads, clip messages on the clip writer's thread: a subscriber
 * must return at once (queue, never block or throw).
 */
public final class AlarmFeed {

    /** How many of the latest alarm events, and of the latest clip messages, are kept for a late page. */
    public static final int KEPT = 200;

    /** What a published message is. */
    public enum Kind {
        /** An accepted alarm event ({@code raised}, {@code cleared}, ...). */
        ALARM,
        /** A {@code clip} message: the clip an event named is complete on disk, or was not written. */
        CLIP
    }

    private final List<BiConsumer<Kind, String>> subscribers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final ArrayDeque<String> recentClips = new ArrayDeque<>();

    /** Tells every subscriber of {@code json}, an accepted alarm event. */
    public void publish(String json) {
        publish(Kind.ALARM, json, recent);
    }

    /** Tells every subscriber of {@code json}, a {@code clip} message. */
    public void publishClip(String json) {
        publish(Kind.CLIP, json, recentClips);
    }

    private void publish(Kind kind, String json, ArrayDeque<String> kept) {
        keep(json, kept);
        for (BiConsumer<Kind, String> s : subscribers) {
            s.accept(kind, json);
        }
    }

    /**
     * Takes the alarm events and clip messages of before this start (read back from the event log)
     * as the recent ones, oldest first, before anyone subscribes; tells nobody.
     */
    public void seed(List<String> alarms, List<String> clips) {
        alarms.forEach(json -> keep(json, recent));
        clips.forEach(json -> keep(json, recentClips));
    }

    private static void keep(String json, ArrayDeque<String> kept) {
        synchronized (kept) {
            if (kept.size() == KEPT) {
                kept.removeFirst();
            }
            kept.addLast(json);
        }
    }

    /** From now on, tells {@code subscriber} of each message and its kind; close the result to stop. */
    public AutoCloseable subscribe(BiConsumer<Kind, String> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** The latest alarm events, oldest first. */
    public List<String> recent() {
        return copy(recent);
    }

    /** The latest clip messages, oldest first. */
    public List<String> recentClips() {
        return copy(recentClips);
    }

    private static List<String> copy(ArrayDeque<String> kept) {
        synchronized (kept) {
            return List.copyOf(kept);
        }
    }
}
