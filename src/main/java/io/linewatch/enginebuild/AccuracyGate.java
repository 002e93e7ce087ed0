package io.linewatch.enginebuild;

import io.linewatch.config.AccuracyGateConfig;
import io.linewatch.pipeline.Detections;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * How far a reduced-precision engine's outputs are from the FP32 reference's on the same frames,
 * and whether that is within the configured loss. The reference's outputs stand as the truth:
 * detection precision is the share of the candidate's boxes that the reference also has, recall
 * the share of the reference's boxes that the candidate has (same class, IoU at least 0.5, higher
 * scores matched first); mask IoU is pooled over all frames on the foreground (any class at or
 * above the threshold); temperature MAE is over every temperature value, in kelvin; for a
 * classifier, top-1 agreement is the share of images whose highest score is at the reference's
 * highest, and the logit difference the largest absolute difference of any score from the
 * reference's. Only what was fed is measured and judged. Not thread-safe.
 */
public final class AccuracyGate {

    /** Lowest overlap at which a candidate box counts as the reference's box. */
    static final double MATCH_IOU = 0.5;
    /** A value this close to its limit is at the limit (1 - 49/50 is not exactly 0.02 in doubles). */
    private static final double ROUNDING = 1e-9;

    private int frames;
    private long matchedBoxes;
    private long candidateBoxes;
    private long referenceBoxes;
    private boolean detectionsSeen;
    private long maskIntersection;
    private long maskUnion;
    private boolean masksSeen;
    private double temperatureErrorK;
    private long temperatureValues;
    private long classifiedImages;
    private long top1Agreements;
    private double maxLogitDiff;

    /**
     * What validation measured and found.
     *
     * @param frames         frames compared
     * @param precision      detection precision against the reference, or null when not measured
     * @param recall         detection recall against the reference, or null
     * @param maskIou        foreground mask IoU, or null
     * @param temperatureMaeK temperature mean absolute error in kelvin, or null
     * @param images         classified images compared (a frame's regions are one each), 0 when none
     * @param top1Agreement  share of them whose top state is the reference's, or null
     * @param maxLogitDiff   largest absolute score difference from the reference, or null
     * @param failures       every limit exceeded; empty when the engine is accepted
     */
    public record Report(int frames, Double precision, Double recall, Double maskIou, Double temperatureMaeK,
                         long images, Double top1Agreement, Double maxLogitDiff, List<String> failures) {

        public Report {
            failures = List.copyOf(failures);
        }

        public boolean accepted() {
            return failures.isEmpty();
        }

        /** The report as lines for people and for the engine's manifest. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add("validated on " + frames + " frames against the FP32 reference (ONNX Runtime)");
            if (precision != null) {
                lines.add(format("detection precision %.4f (change %+.4f), recall %.4f (change %+.4f)", precision,
                        precision - 1, recall, recall - 1));
            }
            if (maskIou != null) {
                lines.add(format("mask IoU %.4f", maskIou));
            }
            if (temperatureMaeK != null) {
                lines.add(format("temperature MAE %.3f K", temperatureMaeK));
            }
            if (top1Agreement != null) {
                lines.add(format("classification top-1 agreement %.4f on %d images, max logit difference %.4f",
                        top1Agreement, images, maxLogitDiff));
            }
            lines.add(accepted() ? "accepted" : "refused: " + String.join("; ", failures));
            return lines;
        }
    }

    /** Counts one frame compared. */
    public void frame() {
        frames++;
    }

    /** One frame's detections after NMS, candidate against reference, in the same pixel space. */
    public void addDetections(Detections reference, Detections candidate) {
        detectionsSeen = true;
        referenceBoxes += reference.count();
        candidateBoxes += candidate.count();
        boolean[] taken = new boolean[reference.count()];
        int[] byScore = IntStream.range(0, candidate.count()).boxed()
                .sorted(Comparator.comparingDouble(i -> -candidate.score[i])).mapToInt(Integer::intValue).toArray();
        for (int c : byScore) {
            int best = -1;
            double bestIou = MATCH_IOU;
            for (int r = 0; r < reference.count(); r++) {
                if (!taken[r] && reference.classId[r] == candidate.classId[c]) {
                    double iou = iou(reference, r, candidate, c);
                    if (iou >= bestIou) {
                        best = r;
                        bestIou = iou;
                    }
                }
            }
            if (best >= 0) {
                taken[best] = true;
                matchedBoxes++;
            }
        }
    }

    /**
     * One frame's mask outputs ({@code classes} planes of {@code plane} probabilities each): a pixel
     * is foreground when any class reaches {@code threshold}.
     */
    public void addMasks(FloatBuffer reference, FloatBuffer candidate, int classes, int plane, float threshold) {
        masksSeen = true;
        for (int p = 0; p < plane; p++) {
            boolean r = foreground(reference, classes, plane, p, threshold);
            boolean c = foreground(candidate, classes, plane, p, threshold);
            if (r && c) {
                maskIntersection++;
            }
            if (r || c) {
                maskUnion++;
            }
        }
    }

    /** One frame's temperature outputs, {@code count} values in a unit of {@code kelvinPerUnit} kelvin. */
    public void addTemperatures(FloatBuffer reference, FloatBuffer candidate, int count, double kelvinPerUnit) {
        for (int i = 0; i < count; i++) {
            temperatureErrorK += Math.abs(reference.get(i) - candidate.get(i)) * kelvinPerUnit;
        }
        temperatureValues += count;
    }

    /**
     * One image's scores, {@code states} values from {@code offset} in each buffer (logits, or
     * probabilities for a model that outputs them), candidate against reference.
     */
    public void addScores(FloatBuffer reference, FloatBuffer candidate, int offset, int states) {
        classifiedImages++;
        if (argmax(reference, offset, states) == argmax(candidate, offset, states)) {
            top1Agreements++;
        }
        for (int s = offset; s < offset + states; s++) {
            double diff = Math.abs(reference.get(s) - candidate.get(s));
            // A score that is not a number is as far from the reference as can be (NaN would pass the limit).
            maxLogitDiff = Math.max(maxLogitDiff, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
        }
    }

    /** What was measured so far, judged against {@code limits}. */
    public Report report(AccuracyGateConfig limits) {
        List<String> failures = new ArrayList<>();
        if (frames == 0) {
            failures.add("no frames were compared");
        }
        Double precision = null;
        Double recall = null;
        if (detectionsSeen) {
            precision = candidateBoxes == 0 ? 1.0 : (double) matchedBoxes / candidateBoxes;
            recall = referenceBoxes == 0 ? 1.0 : (double) matchedBoxes / referenceBoxes;
            if (1 - precision > limits.maxPrecisionDrop() + ROUNDING) {
                failures.add(format("detection precision dropped by %.4f (limit %.4f)", 1 - precision,
                        limits.maxPrecisionDrop()));
            }
            if (1 - recall > limits.maxRecallDrop() + ROUNDING) {
                failures.add(format("detection recall dropped by %.4f (limit %.4f)", 1 - recall, limits.maxRecallDrop()));
            }
        }
        Double maskIou = null;
        if (masksSeen) {
            maskIou = maskUnion == 0 ? 1.0 : (double) maskIntersection / maskUnion;
            if (maskIou < limits.minMaskIou() - ROUNDING) {
                failures.add(format("mask IoU %.4f is below %.4f", maskIou, limits.minMaskIou()));
            }
        }
        Double mae = null;
        if (temperatureValues > 0) {
            mae = temperatureErrorK / temperatureValues;
            if (mae > limits.maxTemperatureMaeK() + ROUNDING) {
                failures.add(format("temperature MAE %.3f K is above %.3f K", mae, limits.maxTemperatureMaeK()));
            }
        }
        Double agreement = null;
        Double logitDiff = null;
        if (classifiedImages > 0) {
            agreement = (double) top1Agreements / classifiedImages;
            logitDiff = maxLogitDiff;
            if (agreement < limits.minTop1Agreement() - ROUNDING) {
                failures.add(format("classification top-1 agreement %.4f is below %.4f (%d of %d images)", agreement,
                        limits.minTop1Agreement(), top1Agreements, classifiedImages));
            }
            if (logitDiff > limits.maxLogitDiff() + ROUNDING) {
                failures.add(format("max logit difference %.4f is above %.4f", logitDiff, limits.maxLogitDiff()));
            }
        }
        return new Report(frames, precision, recall, maskIou, mae, classifiedImages, agreement, logitDiff, failures);
    }

    /** The first index of the highest of {@code count} scores from {@code from}. */
    private static int argmax(FloatBuffer scores, int from, int count) {
        int best = from;
        for (int s = from + 1; s < from + count; s++) {
            if (scores.get(s) > scores.get(best)) {
                best = s;
            }
        }
        return best - from;
    }

    private static boolean foreground(FloatBuffer mask, int classes, int plane, int p, float threshold) {
        for (int c = 0; c < classes; c++) {
            if (mask.get(c * plane + p) >= threshold) {
                return true;
            }
        }
        return false;
    }

    static double iou(Detections a, int i, Detections b, int j) {
        double w = Math.min(a.x2[i], b.x2[j]) - Math.max(a.x1[i], b.x1[j]);
        double h = Math.min(a.y2[i], b.y2[j]) - Math.max(a.y1[i], b.y1[j]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double inter = w * h;
        double areaA = (a.x2[i] - a.x1[i]) * (a.y2[i] - a.y1[i]);
        double areaB = (b.x2[j] - b.x1[j]) * (b.y2[j] - b.y1[j]);
        return inter / (areaA + areaB - inter);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
