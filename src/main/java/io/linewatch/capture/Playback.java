package io.linewatch.capture;

import io.linewatch.config.CameraConfig;

/**
 * How the cameras' frames are delivered: recorded cameras at their own rate or as fast as the
 * pipeline takes them (live cameras always at theirs), at what speed, and for how many frames.
 *
 * @param mode            how recorded cameras are paced
 * @param speed           a paced recorded camera runs at this many times its own frame rate
 * @param framesPerCamera stop each camera after this many frames; 0 for the end of its source
 */
public record Playback(Mode mode, double speed, long framesPerCamera) {

    /** How recorded cameras are paced. */
    public enum Mode {
        /** As each camera's {@code pacing} says (the daemon). */
        AS_CONFIGURED,
        /** At each clip's own rate, like a live camera. */
        REALTIME,
        /** As fast as the pipeline takes the frames: none is lost. */
        AS_FAST_AS_POSSIBLE
    }

    /** Every camera as its config says, every frame. */
    public static Playback asConfigured() {
        return new Playback(Mode.AS_CONFIGURED, 1.0, 0);
    }

    /** Recorded cameras at their own rate, every frame. */
    public static Playback realtime() {
        return new Playback(Mode.REALTIME, 1.0, 0);
    }

    /** Recorded cameras as fast as the pipeline takes them, every frame. */
    public static Playback asFastAsPossible() {
        return new Playback(Mode.AS_FAST_AS_POSSIBLE, 1.0, 0);
    }

    /**
     * A copy whose paced cameras run at {@code newSpeed} times their own frame rate (benchmarks: a
     * chosen load) and stop after {@code newFramesPerCamera} frames (0: at the end of the source).
     */
    public Playback withLoad(double newSpeed, long newFramesPerCamera) {
        return new Playback(mode, newSpeed, newFramesPerCamera);
    }

    /** Whether a camera's frames come at a rate of their own and so can grow old: live ones, paced files. */
    public boolean paced(CameraConfig camera) {
        if (camera.kind().live()) {
            return true;
        }
        return switch (mode) {
            case AS_CONFIGURED -> camera.pacing() == CameraConfig.Pacing.REALTIME;
            case REALTIME -> true;
            case AS_FAST_AS_POSSIBLE -> false;
        };
    }
}
