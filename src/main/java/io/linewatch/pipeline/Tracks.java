package io.linewatch.pipeline;

/**
 * The tracker's part of a slot, preallocated: the track id of each of the slot's detections (same
 * index as {@link Detections}; 0 while a detection belongs to no confirmed track) and the ids of
 * the tracks that ended at this frame (lost for longer than the tracker's buffer). Written by the
 * track stage of a detection lane; read by the alarm rules and the sinks.
 */
public final class Tracks {

    /** Track id of detection {@code i}, 0 for none; valid for the slot's detection count. */
    public final int[] id;
    private final int[] ended;
    private int endedCount;

    public Tracks(int maxDetections, int maxEnded) {
        this.id = new int[maxDetections];
        this.ended = new int[maxEnded];
    }

    /** Forgets the previous frame's ids and ended tracks. */
    public void clear(int detections) {
        java.util.Arrays.fill(id, 0, Math.min(detections, id.length), 0);
        endedCount = 0;
    }

    /** Records that track {@code trackId} ended at this frame; false (and nothing kept) when full. */
    public boolean addEnded(int trackId) {
        if (endedCount == ended.length) {
            return false;
        }
        ended[endedCount++] = trackId;
        return true;
    }

    /** How many tracks ended at this frame. */
    public int endedCount() {
        return endedCount;
    }

    /** The id of the {@code i}-th track that ended at this frame. */
    public int ended(int i) {
        return ended[i];
    }
}
