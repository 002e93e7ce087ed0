package io.linewatch.pipeline;

/**
 * The part stage's share of a slot on an inspection lane, preallocated: the parts (panels) found
 * in the frame with their track ids ({@link #boxes}, {@link #tracks}: 0 while a part is not yet
 * confirmed), the parts that left the view at this frame ({@link Tracks#ended}), and for each of
 * the slot's defect regions (same index as {@link DefectRegions}) its defect track id and the
 * track id of the part carrying it (0: none). Written by the part stage; read by the verdict sink.
 */
public final class Parts {

    /** The parts found in the frame, source pixels; score 1, class 0. */
    public final Detections boxes;
    /** Track id of each part and the parts that ended (left the view, or the source ended). */
    public final Tracks tracks;
    /** Defect track id of each defect region, 0 while not yet confirmed. */
    public final int[] defectTrack;
    /** Track id of the part that carries each defect region, 0 for none. */
    public final int[] defectPart;

    public Parts(int maxParts, int maxDefectRegions) {
        boxes = new Detections(maxParts);
        tracks = new Tracks(maxParts, 2 * maxParts);
        defectTrack = new int[maxDefectRegions];
        defectPart = new int[maxDefectRegions];
    }

    /** Forgets the previous frame's parts, ended parts and defect ids. */
    public void clear() {
        tracks.clear(boxes.capacity());
        boxes.clear();
        java.util.Arrays.fill(defectTrack, 0);
        java.util.Arrays.fill(defectPart, 0);
    }
}
