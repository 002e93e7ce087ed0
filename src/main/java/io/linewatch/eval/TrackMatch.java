package io.linewatch.eval;

import io.linewatch.pipeline.Assignment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Track quality of a detections log (boxes with {@code track} ids) against ground truth with true
 * track ids, at an IoU threshold, boxes matched within a class only:
 * <ul>
 *   <li>CLEAR MOT (Bernardin and Stiefelhagen 2008): per frame, a true object keeps the track it was
 *       matched to before while they still overlap enough; the others are matched by an optimal
 *       assignment on IoU. A true object matched to another track than before is an identity
 *       switch; MOTA = 1 - (misses + false positives + switches) / true boxes;</li>
 *   <li>IDF1 (Ristani et al. 2016): true and found tracks are paired once for the whole clip, by the
 *       optimal assignment of frames where they overlap; IDF1 = 2 IDTP / (true boxes + found boxes).</li>
 * </ul>
 * Only boxes with a track id are the tracker's output; boxes without one count for neither.
 */
public final class TrackMatch {


    /** Track quality of one clip. */
    public record Result(double mota, double idf1, long idSwitches, long misses, long falsePositives, long trueBoxes,
                         int trueTracks, int foundTracks) {

        /** The summary's line, indented two spaces. */
        public String summaryLine() {
            return String.format(java.util.Locale.ROOT,
                    "  tracks (IoU 0.5): MOTA %.3f, IDF1 %.3f, identity switches %d (true tracks %d, tracks %d;"
                            + " misses %d, false positives %d of %d true boxes)", mota, idf1, idSwitches, trueTracks,
                    foundTracks, misses, falsePositives, trueBoxes);
        }
    }

    private record Box(String cls, int track, double[] xyxy) {
    }

    private TrackMatch() {
    }

    /**
     * @param groundTruth {@code {"frame": n, "objects": [{"class": .., "track": id, "box": [..]}]}} per line
     * @param detections  {@code {"camera": .., "frame": n, "detections": [{"class": .., "box": [..], "track": id}]}}
     * @param camera      the camera whose detections to take, or null for all
     */
    public static Result evaluate(Path groundTruth, Path detections, String camera, double iouThreshold)
            throws IOException {
        Map<Long, List<Box>> truth = read(groundTruth, "objects", null);
        Map<Long, List<Box>> found = read(detections, "detections", camera);
        TreeMap<Long, Boolean> frames = new TreeMap<>();
        truth.keySet().forEach(f -> frames.put(f, true));
        found.keySet().forEach(f -> frames.put(f, true));
        Map<Integer, Integer> lastMatch = new HashMap<>();
        Map<Long, Long> overlapFrames = new HashMap<>(); // (true track, found track) -> frames matched
        long switches = 0;
        long misses = 0;
        long falsePositives = 0;
        long trueBoxes = 0;
        long foundBoxes = 0;
        Map<Integer, Integer> trueIds = new LinkedHashMap<>();
        Map<Integer, Integer> foundIds = new LinkedHashMap<>();
        for (long frame : frames.keySet()) {
            List<Box> t = truth.getOrDefault(frame, List.of());
            List<Box> h = found.getOrDefault(frame, List.of());
            trueBoxes += t.size();
            foundBoxes += h.size();
            t.forEach(b -> trueIds.putIfAbsent(b.track(), trueIds.size()));
            h.forEach(b -> foundIds.putIfAbsent(b.track(), foundIds.size()));
            countOverlaps(t, h, iouThreshold, overlapFrames);
            int[] match = clearMot(t, h, iouThreshold, lastMatch);
            int matched = 0;
            for (int g = 0; g < t.size(); g++) {
                if (match[g] < 0) {
                    continue;
                }
                matched++;
                Integer before = lastMatch.put(t.get(g).track(), h.get(match[g]).track());
                if (before != null && before != h.get(match[g]).track()) {
                    switches++;
                }
            }
            misses += t.size() - matched;
            falsePositives += h.size() - matched;
        }
        long idtp = idtp(trueIds, foundIds, overlapFrames);
        double mota = trueBoxes == 0 ? 1.0 : 1.0 - (double) (misses + falsePositives + switches) / trueBoxes;
        double idf1 = trueBoxes + foundBoxes == 0 ? 1.0 : 2.0 * idtp / (trueBoxes + foundBoxes);
        return new Result(mota, idf1, switches, misses, falsePositives, trueBoxes, trueIds.size(), foundIds.size());
    }

    /** One frame's matches (true box index to found box index, -1 for none): kept pairs first, then optimal. */
    private static int[] clearMot(List<Box> t, List<Box> h, double threshold, Map<Integer, Integer> lastMatch) {
        int[] match = new int[t.size()];
        java.util.Arrays.fill(match, -1);
        boolean[] taken = new boolean[h.size()];
        for (int g = 0; g < t.size(); g++) {
            Integer previous = lastMatch.get(t.get(g).track());
            for (int k = 0; previous != null && k < h.size(); k++) {
                if (!taken[k] && h.get(k).track() == previous && overlap(t.get(g), h.get(k)) >= threshold) {
                    match[g] = k;
                    taken[k] = true;
                }
            }
        }
        List<Integer> rows = new ArrayList<>();
        List<Integer> cols = new ArrayList<>();
        for (int g = 0; g < t.size(); g++) {
            if (match[g] < 0) {
                rows.add(g);
            }
        }
        for (int k = 0; k < h.size(); k++) {
            if (!taken[k]) {
                cols.add(k);
            }
        }
        if (rows.isEmpty() || cols.isEmpty()) {
            return match;
        }
        Assignment a = new Assignment(rows.size(), cols.size());
        a.reset(rows.size(), cols.size());
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols.size(); c++) {
                double iou = overlap(t.get(rows.get(r)), h.get(cols.get(c)));
                a.set(r, c, iou >= threshold ? (float) (1 - iou) : 1f);
            }
        }
        int[] rowToCol = new int[rows.size()];
        a.solve(rowToCol, 1f);
        for (int r = 0; r < rows.size(); r++) {
            int c = rowToCol[r];
            if (c >= 0 && overlap(t.get(rows.get(r)), h.get(cols.get(c))) >= threshold) {
                match[rows.get(r)] = cols.get(c);
            }
        }
        return match;
    }

    /** Counts, for each pair of true and found track, the frames where their boxes overlap enough. */
    private static void countOverlaps(List<Box> t, List<Box> h, double threshold, Map<Long, Long> overlapFrames) {
        for (Box g : t) {
            for (Box k : h) {
                if (overlap(g, k) >= threshold) {
                    overlapFrames.merge(pair(g.track(), k.track()), 1L, Long::sum);
                }
            }
        }
    }

    /** The most frames that true and found tracks, paired one to one for the whole clip, have in common. */
    private static long idtp(Map<Integer, Integer> trueIds, Map<Integer, Integer> foundIds, Map<Long, Long> overlaps) {
        if (trueIds.isEmpty() || foundIds.isEmpty()) {
            return 0;
        }
        Assignment a = new Assignment(trueIds.size(), foundIds.size());
        a.reset(trueIds.size(), foundIds.size());
        for (Map.Entry<Integer, Integer> g : trueIds.entrySet()) {
            for (Map.Entry<Integer, Integer> k : foundIds.entrySet()) {
                a.set(g.getValue(), k.getValue(), -overlaps.getOrDefault(pair(g.getKey(), k.getKey()), 0L));
            }
        }
        int[] rowToCol = new int[trueIds.size()];
        a.solve(rowToCol, 0f);
        List<Integer> foundById = new ArrayList<>(foundIds.keySet());
        long idtp = 0;
        for (Map.Entry<Integer, Integer> g : trueIds.entrySet()) {
            int c = rowToCol[g.getValue()];
            if (c >= 0) {
                idtp += overlaps.getOrDefault(pair(g.getKey(), foundById.get(c)), 0L);
            }
        }
        return idtp;
    }

    private static long pair(int trueTrack, int foundTrack) {
        return ((long) trueTrack << 32) | (foundTrack & 0xffffffffL);
    }

    private static double overlap(Box a, Box b) {
        return a.cls().equals(b.cls()) ? DetectionMatch.iou(a.xyxy(), b.xyxy()) : 0;
    }

    private static Map<Long, List<Box>> read(Path file, String listKey, String camera) throws IOException {
        Map<Long, List<Box>> frames = new HashMap<>();
        FrameLines.read(file, listKey, camera, (frame, o) -> {
            List<Box> boxes = frames.computeIfAbsent(frame, f -> new ArrayList<>());
            if (o.has("track")) {
                boxes.add(new Box(o.get("class").asText(), o.get("track").asInt(), FrameLines.box(o)));
            }
        });
        return frames;
    }
}
