package io.linewatch.pipeline;

/**
 * Where a camera's source is in its life. A file source goes CONNECTING, STREAMING, then STOPPED at
 * its end; a live source (RTSP, V4L2) cycles through STALLED and BACKING_OFF back to CONNECTING
 * when frames stop coming.
 */
public enum SourceState {
    /** Opening the source (first time or after a back-off). */
    CONNECTING,
    /** Frames arrive. */
    STREAMING,
    /** No frame arrived within the camera's stall timeout; the source is being closed. */
    STALLED,
    /** Waiting before the next connection attempt. */
    BACKING_OFF,
    /** Finished for good (end of a file, or the pipeline stopping, or a fatal error). */
    STOPPED
}
