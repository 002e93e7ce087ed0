package io.linewatch.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Precision and recall of a detections log against a ground-truth file (both JSONL, one frame a
 * line, boxes in source pixels): per frame and class, detections in descending score order each
 * take the unmatched true box they overlap most, if by at least the IoU threshold.
 */
public final class DetectionMatch {


    /** Counts and ratios of one evaluation. */
    public record Result(long truePositives, long falsePositives, long falseNegatives) {

        /** The summary's line, indented two spaces. */
        public String summaryLine() {
            return String.format(java.util.Locale.ROOT,
                    "  ground truth (IoU 0.5): precision %.3f, recall %.3f (tp %d, fp %d, fn %d)", precision(), recall(),
                    truePositives, falsePositives, falseNegatives);
        }
        public double precision() {
            long d = truePositives + falsePositives;
            return d == 0 ? 1.0 : (double) truePositives / d;
        }

        public double recall() {
            long t = truePositives + falseNegatives;
            return t == 0 ? 1.0 : (double) truePositives / t;
        }
    }

    private record Box(String cls, double score, double[] xyxy) {
    }

    private DetectionMatch() {
    }

    /**
     * @param groundTruth {@code {"frame": n, "objects": [{"class": .., "box": [..]}]}} per line
     * @param detections  {@code {"camera": .., "frame": n, "detections": [{"class": .., "score": .., "box": [..]}]}}
     * @param camera      the camera whose detections to take, or null for all
     */
    public static Result evaluate(Path groundTruth, Path detections, String camera, double iouThreshold)
            throws IOException {
        Map<Long, List<Box>> truth = read(groundTruth, "objects", null);
        Map<Long, List<Box>> found = read(detections, "detections", camera);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (Map.Entry<Long, List<Box>> frame : truth.entrySet()) {
            List<Box> d = found.getOrDefault(frame.getKey(), List.of());
            int matched = match(frame.getValue(), d, iouThreshold);
            tp += matched;
            fp += d.size() - matched;
            fn += frame.getValue().size() - matched;
        }
        for (Map.Entry<Long, List<Box>> frame : found.entrySet()) {
            if (!truth.containsKey(frame.getKey())) {
                fp += frame.getValue().size();
            }
        }
        return new Result(tp, fp, fn);
    }

    private static int match(List<Box> truth, List<Box> found, double iouThreshold) {
        List<Box> ordered = new ArrayList<>(found);
        ordered.sort(Comparator.comparingDouble(Box::score).reversed());
        boolean[] taken = new boolean[truth.size()];
        int matched = 0;
        for (Box d : ordered) {
            int best = -1;
            double bestIou = iouThreshold;
            for (int t = 0; t < truth.size(); t++) {
                double iou = iou(d.xyxy(), truth.get(t).xyxy());
                if (!taken[t] && truth.get(t).cls().equals(d.cls()) && iou >= bestIou) {
                    best = t;
                    bestIou = iou;
                }
            }
            if (best >= 0) {
                taken[best] = true;
                matched++;
            }
        }
        return matched;
    }

    static double iou(double[] a, double[] b) {
        double iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        double ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        double inter = iw * ih;
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
    }

    private static Map<Long, List<Box>> read(Path file, String listKey, String camera) throws IOException {
        Map<Long, List<Box>> frames = new HashMap<>();
        FrameLines.read(file, listKey, camera, (frame, o) -> frames.computeIfAbsent(frame, f -> new ArrayList<>())
                .add(new Box(o.get("class").asText(), o.path("score").asDouble(1.0), FrameLines.box(o))));
        return frames;
    }
}
