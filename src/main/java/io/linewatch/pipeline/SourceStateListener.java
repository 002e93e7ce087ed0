package io.linewatch.pipeline;

/**
 * Told of every state change of a camera's source. Called on the camera's capture or watchdog
 * thread: an implementation must be quick and must not block.
 */
@FunctionalInterface
public interface SourceStateListener {

    /**
     * @param cameraId the camera
     * @param state    its new state
     * @param reason   why, in a few words (an error message, "end of file"), or empty
     */
    void onStateChange(String cameraId, SourceState state, String reason);
}
