package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.PartsConfig;
import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.Parts;
import io.linewatch.pipeline.Tracks;
import java.util.List;

/**
 * The part stage of an inspection lane, on its own thread after segment: for each camera that
 * judges parts, finds the parts in the frame ({@link PartFinder}), tracks them ({@link Tracker}, a
 * part is confirmed after 2 frames and gone after {@code track_buffer} frames unseen), and tracks
 * each defect region on a part so that one physical defect keeps one id however many frames show
 * it: a second tracker over the regions' boxes relative to their part (its right edge, or while
 * it leaves the view at the right, its left edge plus its width), one "class" per part, so a
 * defect never matches across parts and its class may change from frame to frame (the verdict
 * takes the class of most area). A region belongs to the confirmed part whose box holds its
 * centre. With {@code line_x} a part ends when its left edge passes the line (then is hidden until
 * its track ends), else when its track ends. Reads the slot's camera, pixels, size and defect
 * regions; writes the slot's {@link Parts}. The camera's end-of-source marker ends all its parts. All working memory is
 * allocated at the start (the finder's at the first frame of a size); a frame allocates nothing.
 */
public final class PartHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "parts";
    private static final int DEFECT_TRACK_BUFFER = 3;
    private static final int PART_MIN_HITS = 2;

    private final PerCamera[] byCamera;

    /** One camera's finder, trackers and the known width of each of its parts. */
    private static final class PerCamera {
        final PartFinder finder;
        final Tracker parts;
        final Tracker defects;
        final Detections relative;
        final Tracks relativeTracks;
        final int[] relativeToRegion;
        final int[] widthIds;
        final float[] widths;
        final float lineX;
        final int[] judgedIds;

        PerCamera(PartsConfig config, int maxRegions) {
            finder = new PartFinder(config);
            int maxPartTracks = 2 * config.maxParts();
            TrackerConfig partTracking = new TrackerConfig(0.5, 0.1, 0.5, 0.2, config.trackBuffer(), PART_MIN_HITS,
                    maxPartTracks);
            parts = new Tracker(partTracking, config.maxParts(), Tracker.assignmentFor(partTracking, config.maxParts()));
            int maxDefectTracks = Math.max(16, 2 * maxRegions);
            TrackerConfig defectTracking = new TrackerConfig(0.5, 0.1, 0.5, 0.2, DEFECT_TRACK_BUFFER,
                    config.minDefectFrames(), maxDefectTracks);
            defects = new Tracker(defectTracking, maxRegions, Tracker.assignmentFor(defectTracking, maxRegions));
            relative = new Detections(maxRegions);
            relativeTracks = new Tracks(maxRegions, maxDefectTracks);
            relativeToRegion = new int[maxRegions];
            widthIds = new int[maxPartTracks];
            widths = new float[maxPartTracks];
            lineX = config.lineX() == null ? Float.NaN : config.lineX().floatValue();
            judgedIds = new int[maxPartTracks];
        }
    }

    /**
     * @param partsByCamera each camera's parts config by camera index, null where a camera judges no parts
     * @param cameras       indexes of the lane's cameras
     * @param maxRegions    most defect regions a slot holds
     */
    public PartHandler(PartsConfig[] partsByCamera, List<Integer> cameras, int maxRegions) {
        byCamera = new PerCamera[partsByCamera.length];
        for (int i : cameras) {
            if (partsByCamera[i] != null) {
                byCamera[i] = new PerCamera(partsByCamera[i], maxRegions);
            }
        }
    }

    @Override
    public void onEvent(FrameEvent e, long sequence, boolean endOfBatch) {
        Parts out = e.parts;
        out.clear();
        PerCamera c = byCamera[e.cameraIndex];
        if (c == null) {
            return;
        }
        if (e.sourceEnded) {
            c.parts.endAll(out.tracks);
            c.defects.endAll(c.relativeTracks);
            java.util.Arrays.fill(c.widthIds, 0);
            return;
        }
        if (e.skipped()) {
            return;
        }
        c.finder.find(e.pixels, e.width, e.height, out.boxes);
        c.parts.update(out.boxes, out.tracks);
        learnWidths(c, out);
        if (!Float.isNaN(c.lineX)) {
            judgeAtLine(c, out);
        }
        trackDefects(c, e.defects, out);
    }

    /** Each confirmed part's widest box while its right edge is in view (its full width once wholly in view). */
    private static void learnWidths(PerCamera c, Parts out) {
        for (int k = 0; k < out.tracks.endedCount(); k++) {
            int slot = widthSlot(c, out.tracks.ended(k), false);
            if (slot >= 0) {
                c.widthIds[slot] = 0;
            }
        }
        Detections b = out.boxes;
        for (int p = 0; p < b.count(); p++) {
            int id = out.tracks.id[p];
            if (id == 0 || b.x2[p] >= c.finder.zoneRight()) {
                continue;
            }
            int slot = widthSlot(c, id, true);
            if (slot >= 0) {
                c.widths[slot] = Math.max(c.widths[slot], b.x2[p] - b.x1[p]);
            }
        }
    }

    /**
     * A part whose left edge passes the line ends now (its last frame is this one), once: from then
     * on it is hidden (id 0), so no verdict comes again when its track ends.
     */
    private static void judgeAtLine(PerCamera c, Parts out) {
        for (int k = 0; k < out.tracks.endedCount(); k++) {
            int at = indexOf(c.judgedIds, out.tracks.ended(k));
            if (at >= 0) {
                c.judgedIds[at] = 0;
            }
        }
        Detections b = out.boxes;
        for (int p = 0; p < b.count(); p++) {
            int id = out.tracks.id[p];
            if (id == 0) {
                continue;
            }
            if (indexOf(c.judgedIds, id) >= 0) {
                out.tracks.id[p] = 0;
            } else if (b.x1[p] >= c.lineX && out.tracks.addEnded(id)) {
                int free = indexOf(c.judgedIds, 0);
                if (free >= 0) {
                    c.judgedIds[free] = id;
                }
            }
        }
    }

    private static int indexOf(int[] ids, int id) {
        for (int s = 0; s < ids.length; s++) {
            if (ids[s] == id) {
                return s;
            }
        }
        return -1;
    }

    /** The table slot of part {@code id}; a free one (width 0) when asked to add; -1 when none. */
    private static int widthSlot(PerCamera c, int id, boolean add) {
        int free = -1;
        for (int s = 0; s < c.widthIds.length; s++) {
            if (c.widthIds[s] == id) {
                return s;
            }
            if (free < 0 && c.widthIds[s] == 0) {
                free = s;
            }
        }
        if (add && free >= 0) {
            c.widthIds[free] = id;
            c.widths[free] = 0;
            return free;
        }
        return -1;
    }

    /** Defect regions on confirmed parts, relative to their part, through the defect tracker. */
    private static void trackDefects(PerCamera c, DefectRegions d, Parts out) {
        c.relative.clear();
        Detections b = out.boxes;
        for (int i = 0; i < d.count() && i < out.defectPart.length; i++) {
            int p = partAt(b, out.tracks, (d.x1[i] + d.x2[i]) * 0.5f, (d.y1[i] + d.y2[i]) * 0.5f);
            if (p < 0) {
                continue;
            }
            int id = out.tracks.id[p];
            float anchorX = anchor(c, b, p, id);
            int n = c.relative.count();
            if (c.relative.add(d.x1[i] - anchorX, d.y1[i] - b.y1[p], d.x2[i] - anchorX, d.y2[i] - b.y1[p],
                    Math.max(0.5f, d.meanProbability[i]), id)) {
                c.relativeToRegion[n] = i;
                out.defectPart[i] = id;
            }
        }
        c.defects.update(c.relative, c.relativeTracks);
        for (int n = 0; n < c.relative.count(); n++) {
            out.defectTrack[c.relativeToRegion[n]] = c.relativeTracks.id[n];
        }
    }

    /** The part's right edge; while it leaves at the right, its left edge plus its known width. */
    private static float anchor(PerCamera c, Detections b, int p, int id) {
        if (b.x2[p] < c.finder.zoneRight()) {
            return b.x2[p];
        }
        int slot = widthSlot(c, id, false);
        return slot >= 0 && c.widths[slot] > 0 ? b.x1[p] + c.widths[slot] : b.x2[p];
    }

    /** The confirmed part whose box holds the point, the smallest if several; -1 for none. */
    private static int partAt(Detections b, Tracks t, float x, float y) {
        int best = -1;
        float bestArea = Float.MAX_VALUE;
        for (int p = 0; p < b.count(); p++) {
            float area = (b.x2[p] - b.x1[p]) * (b.y2[p] - b.y1[p]);
            if (t.id[p] != 0 && x >= b.x1[p] && x < b.x2[p] && y >= b.y1[p] && y < b.y2[p] && area < bestArea) {
                best = p;
                bestArea = area;
            }
        }
        return best;
    }
}
