package io.linewatch.pipeline;

import io.linewatch.pipeline.SourceState;
import io.linewatch.pipeline.SourceStateListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The current state of every camera's source, and the fan-out of state changes to whoever
 * publishes them (MQTT state topics, metrics, logs). Written by capture and watchdog threads, read
 * from any thread.
 */
public final class CameraStates implements SourceStateListener {

    /** A camera's state and since when (wall clock, milliseconds since the epoch). */
    public record Entry(SourceState state, String reason, long sinceEpochMillis) {
    }

    private final Map<String, Entry> current = new ConcurrentHashMap<>();
    private final List<SourceStateListener> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener told of every later change. */
    public void subscribe(SourceStateListener listener) {
        listeners.add(listener);
    }

    @Override
    public void onStateChange(String cameraId, SourceState state, String reason) {
        Entry previous = current.put(cameraId, new Entry(state, reason, System.currentTimeMillis()));
        if (previous != null && previous.state() == state) {
            return;
        }
        for (SourceStateListener l : listeners) {
            l.onStateChange(cameraId, state, reason);
        }
    }

    /** The camera's current state, or null before its source was first opened. */
    public Entry get(String cameraId) {
        return current.get(cameraId);
    }

    /** Every camera's current state. */
    public Map<String, Entry> all() {
        return Map.copyOf(current);
    }
}
