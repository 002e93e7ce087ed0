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
 */
public record CameraConfig(String id, String source, String model, Pacing pacing, Boolean loop) {

    /** How a recorded source is paced. */
    public enum Pacing { REALTIME, FAST }

    public CameraConfig {
        pacing = pacing == null ? Pacing.REALTIME : pacing;
        loop = loop != null && loop;
    }

    public CameraConfig withSource(String newId, String newSource, Pacing newPacing) {
        return new CameraConfig(newId, newSource, model, newPacing, loop);
    }
}
