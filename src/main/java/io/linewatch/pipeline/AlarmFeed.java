package io.linewatch.pipeline;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every accepted alarm event's JSON, as the sinks accepted it, to whoever subscribed (the console
 * pushes them to browsers), and the last {@link #KEPT} for a page that opens later. Published on the
 * lanes' sink threads: a subscriber must return at once (queue, never block or throw).
 */
public final class AlarmFeed {

    /** How many of the latest events are kept for {@link #recent}. */
    public static final int KEPT = 200;

    private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
    private final ArrayDeque<String> recent = new ArrayDeque<>();

    /** Tells every subscriber of {@code json}, an accepted alarm event. */
    public void publish(String json) {
        synchronized (recent) {
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(json);
        }
        for (Consumer<String> s : subscribers) {
            s.accept(json);
        }
    }

    /** From now on, tells {@code subscriber} of each event; close the result to stop. */
    public AutoCloseable subscribe(Consumer<String> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** The latest events, oldest first. */
    public List<String> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
