package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.Assignment;
import io.linewatch.pipeline.FrameEvent;
import java.util.List;

/**
 * The track stage of a detection lane, on its own thread after detect: one {@link Tracker} per
 * camera of the lane, fed that camera's frames in order. Reads the slot's camera and detections;
 * writes the slot's {@link io.linewatch.pipeline.Tracks} (each detection's track id, the tracks
 * that ended). A skipped frame (dropped, failed) leaves the trackers as they were; the camera's
 * end-of-source marker ends all its tracks.
 */
public final class TrackHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "track";

    private final Tracker[] byCamera;

    /**
     * @param cameraCount cameras in the config (the lane's are given by {@code cameras})
     * @param cameras     indexes of the lane's cameras
     */
    public TrackHandler(TrackerConfig config, int maxDetections, int cameraCount, List<Integer> cameras) {
        Assignment shared = Tracker.assignmentFor(config, maxDetections);
        this.byCamera = new Tracker[cameraCount];
        for (int i : cameras) {
            byCamera[i] = new Tracker(config, maxDetections, shared);
        }
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (event.sourceEnded) {
            byCamera[event.cameraIndex].endAll(event.tracks);
            return;
        }
        if (event.skipped()) {
            event.tracks.clear(event.detections.capacity());
            return;
        }
        byCamera[event.cameraIndex].update(event.detections, event.tracks);
    }
}
