package io.linewatch.capture;

import io.linewatch.pipeline.SourceState;
import io.linewatch.pipeline.SourceStateListener;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one camera's source. Refuses transitions the life of a source does not have (see
 * {@link SourceState}); tells the listener of every change and logs one line naming the camera.
 * Moved by the camera's capture thread and by the watchdog thread.
 */
public final class SourceStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(SourceStateMachine.class);
    private static final Map<SourceState, Set<SourceState>> NEXT = new EnumMap<>(SourceState.class);

    static {
        NEXT.put(SourceState.CONNECTING, EnumSet.of(SourceState.STREAMING, SourceState.BACKING_OFF, SourceState.STOPPED));
        NEXT.put(SourceState.STREAMING, EnumSet.of(SourceState.STALLED, SourceState.STOPPED));
        NEXT.put(SourceState.STALLED, EnumSet.of(SourceState.BACKING_OFF, SourceState.STOPPED));
        NEXT.put(SourceState.BACKING_OFF, EnumSet.of(SourceState.CONNECTING, SourceState.STOPPED));
        NEXT.put(SourceState.STOPPED, EnumSet.noneOf(SourceState.class));
    }

    private final String cameraId;
    private final SourceStateListener listener;
    private SourceState state;

    /** A machine that has not started: its first state must be CONNECTING. */
    public SourceStateMachine(String cameraId, SourceStateListener listener) {
        this.cameraId = cameraId;
        this.listener = listener;
    }

    /** Moves to {@code next}; false (and nothing told) when the current state does not lead there. */
    public synchronized boolean moveTo(SourceState next, String reason) {
        boolean allowed = state == null ? next == SourceState.CONNECTING : NEXT.get(state).contains(next);
        if (!allowed) {
            return false;
        }
        state = next;
        String line = reason == null || reason.isEmpty() ? "" : ": " + reason;
        if (next == SourceState.STALLED || next == SourceState.BACKING_OFF) {
            LOG.warn("camera {}: {}{}", cameraId, next, line);
        } else {
            LOG.info("camera {}: {}{}", cameraId, next, line);
        }
        listener.onStateChange(cameraId, next, reason == null ? "" : reason);
        return true;
    }

    /**
     * Tells the listener of a change within the current state (a stream that grew: its frames are
     * scaled from now on): the state again with {@code reason}, and one warning line. Nothing before
     * the first move.
     */
    public synchronized void note(String reason) {
        if (state == null) {
            return;
        }
        LOG.warn("camera {}: {}", cameraId, reason);
        listener.onStateChange(cameraId, state, reason);
    }

    /** Moves to {@code next} only from {@code expected}; false when the state was another. */
    public synchronized boolean moveIf(SourceState expected, SourceState next, String reason) {
        return state == expected && moveTo(next, reason);
    }

    /** The current state; null before the first move. */
    public synchronized SourceState state() {
        return state;
    }
}
