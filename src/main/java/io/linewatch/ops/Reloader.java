package io.linewatch.ops;

/**
 * Reloads the daemon's config when asked ({@code POST /reload}, SIGHUP). The daemon's run command
 * provides it; a pipeline started by another command has none. Called from any thread.
 */
@FunctionalInterface
public interface Reloader {

    /** How a reload ended. */
    enum Result {
        /** The new config runs; what it changed was changed in place. */
        APPLIED,
        /** The new config needs a restart: the daemon drains and exits for its service manager to start it. */
        RESTARTING,
        /** The new config was not taken (it does not load, or a new source cannot open); the running one stays. */
        REFUSED
    }

    /** The result and one line saying what changed, why a restart, or why refused. */
    record Answer(Result result, String line) {
    }

    /** Re-reads the config; {@code trigger} names who asked, for the log. */
    Answer reload(String trigger);
}
