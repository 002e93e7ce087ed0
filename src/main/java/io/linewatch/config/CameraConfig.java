package io.linewatch.config;

/**
 * One frame source.
 *
 * @param id     camera id, unique, used in topics, events and logs
 * @param source a video file path (later: rtsp:// URLs and V4L2 devices)
 * @param model  name of the model in {@code models} that this camera's frames go to
 * @param pacing {@code realtime}: frames are delivered at the clip's own rate, as a live camera
 *               would; {@code fast}: as fast as the pipeline takes them
 * @param loop   restart a file source at its end instead of stopping
 * @param maxFrameAgeMs this camera's own {@code pipeline.max_frame_age_ms}, or null for the pipeline's
 */
public record CameraConfig(String id, String source, String model, Pacing pacing, Boolean loop,
                           Integer maxFrameAgeMs) {

    /** How a recorded source is paced. */
    public enum Pacing { REALTIME, FAST }

    public CameraConfig {
        pacing = pacing == null ? Pacing.REALTIME : pacing;
        loop = loop != null && loop;
        if (maxFrameAgeMs != null && maxFrameAgeMs < 0) {
            throw new IllegalArgumentException("max_frame_age_ms must be >= 0 (0: no limit), got " + maxFrameAgeMs);
        }
    }

    /** A camera with the pipeline's age budget. */
    public CameraConfig(String id, String source, String model, Pacing pacing, Boolean loop) {
        this(id, source, model, pacing, loop, null);
    }

    public CameraConfig withSource(String newId, String newSource, Pacing newPacing) {
        return new CameraConfig(newId, newSource, model, newPacing, loop, maxFrameAgeMs);
    }

    /** The age budget of this camera's frames, given the pipeline's; 0 for no limit. */
    public int maxFrameAgeMs(PipelineConfig pipeline) {
        return maxFrameAgeMs != null ? maxFrameAgeMs : pipeline.maxFrameAgeMs();
    }
}
