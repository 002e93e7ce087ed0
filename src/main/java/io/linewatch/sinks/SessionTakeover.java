package io.linewatch.sinks;

/**
 * Tells a broker that keeps taking the session away from an ordinary outage. When another client
 * connects with the same client id (two boxes on one config and one node name), the broker closes
 * the older connection; both then reconnect at once and throw each other out, dozens of times a
 * minute. The sign is a connection that the broker accepted and closed again within
 * {@link #SHORT_MILLIS}, {@link #TAKEN_AFTER} times in a row, each reconnect accepted at its first
 * attempt (a broker that restarts refuses attempts in between, which starts the count again; see
 * {@link #connectFailed()}): from then on the publisher says so in
 * one line, reports it on {@code /readyz}, and reconnects only every {@link #RETRY_MILLIS}. A
 * connection that holds for {@link #HOLD_TO_CLEAR_MILLIS} ends it. Thread-safe (Paho's callback
 * thread reports losses; the publisher's thread and the HTTP endpoint read).
 */
final class SessionTakeover {

    static final long SHORT_MILLIS = 10_000;
    static final int TAKEN_AFTER = 3;
    static final long RETRY_MILLIS = 60_000;
    static final long HOLD_TO_CLEAR_MILLIS = 3 * RETRY_MILLIS;

    private int shortInRow;
    private boolean takenOver;

    /**
     * A connection the broker had accepted was lost after {@code lifetimeMillis}.
     *
     * @return true when this loss makes it a takeover (the moment to say so, once)
     */
    synchronized boolean lost(long lifetimeMillis) {
        shortInRow = lifetimeMillis < SHORT_MILLIS ? shortInRow + 1 : 0;
        if (!takenOver && shortInRow >= TAKEN_AFTER) {
            takenOver = true;
            return true;
        }
        return false;
    }

    /** An attempt to connect failed: the broker was away, so the losses before were an outage. */
    synchronized void connectFailed() {
        shortInRow = 0;
    }

    /**
     * The current connection has held for {@code lifetimeMillis}.
     *
     * @return true when this ends a takeover (the moment to say so, once)
     */
    synchronized boolean held(long lifetimeMillis) {
        if (lifetimeMillis >= SHORT_MILLIS) {
            shortInRow = 0;
        }
        if (takenOver && lifetimeMillis >= HOLD_TO_CLEAR_MILLIS) {
            takenOver = false;
            return true;
        }
        return false;
    }

    synchronized boolean takenOver() {
        return takenOver;
    }
}
