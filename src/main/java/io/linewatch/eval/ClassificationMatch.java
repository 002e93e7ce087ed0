package io.linewatch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A classification replay's results log against the clip's ground truth (one line a frame,
 * {@code {"frame":..,"regions":[{"region":..,"state":..,"box":[x1,y1,x2,y2]|null}]}}): per region
 * and frame, the most probable state against the true one (accuracy, per-state recall, confusion
 * matrix), and the CAM check: the share of abnormal region-frames (true state not the model's first,
 * normal state, with a true box) whose map peak lies inside the true box widened by
 * {@link #PEAK_MARGIN_PX} (half a map cell of the shipped model: 4 input px x 1.5). Frames the log
 * does not have are left out (counted).
 */
public final class ClassificationMatch {

    /** How far outside the true box a map peak may lie, source pixels. */
    public static final double PEAK_MARGIN_PX = 3.0;

    private ClassificationMatch() {
    }

    /**
     * The figures.
     *
     * @param states    the model's states, the confusion matrix's order
     * @param confusion {@code confusion[true][predicted]} region-frames
     * @param camFrames abnormal region-frames with a map peak
     * @param camHits   of those, peaks inside the true box
     * @param missing   true region-frames the log does not have
     */
    public record Result(List<String> states, long[][] confusion, long camFrames, long camHits, long missing) {

        public long total() {
            long n = 0;
            for (long[] row : confusion) {
                for (long v : row) {
                    n += v;
                }
            }
            return n;
        }

        public double accuracy() {
            long right = 0;
            for (int s = 0; s < confusion.length; s++) {
                right += confusion[s][s];
            }
            return total() == 0 ? 0 : (double) right / total();
        }

        /** Recall of state {@code s}: NaN when the truth never has it. */
        public double recall(int s) {
            long n = 0;
            for (long v : confusion[s]) {
                n += v;
            }
            return n == 0 ? Double.NaN : (double) confusion[s][s] / n;
        }

        /** Share of abnormal region-frames whose map peak is in the true region; NaN without maps. */
        public double camPeakInRegion() {
            return camFrames == 0 ? Double.NaN : (double) camHits / camFrames;
        }

        public String summaryLine() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "  ground truth (classification, %d region-frames): accuracy %.4f; recall", total(), accuracy()));
            for (int s = 0; s < states.size(); s++) {
                b.append(String.format(Locale.ROOT, " %s %.3f", states.get(s), recall(s)));
            }
            b.append(String.format(Locale.ROOT, "; CAM peak in the abnormal region %s (%d/%d)%s",
                    camFrames == 0 ? "n/a (no map)" : String.format(Locale.ROOT, "%.3f", camPeakInRegion()), camHits,
                    camFrames, missing > 0 ? "; " + missing + " region-frames not in the log" : ""));
            b.append(System.lineSeparator()).append("  confusion (rows true, columns predicted: ")
                    .append(String.join(", ", states)).append(')');
            for (int s = 0; s < states.size(); s++) {
                b.append(System.lineSeparator()).append(String.format(Locale.ROOT, "    %-12s", states.get(s)));
                for (long v : confusion[s]) {
                    b.append(String.format(Locale.ROOT, " %6d", v));
                }
            }
            return b.toString();
        }
    }

    private record Truth(String state, double[] box) {
    }

    /** Evaluates the log lines of {@code camera} in {@code resultsLog} against {@code truth}. */
    public static Result evaluate(Path truth, Path resultsLog, String camera, List<String> states) throws IOException {
        Map<String, Truth> expected = new HashMap<>();
        FrameLines.read(truth, "regions", null, (frame, item) -> expected.put(frame + "/" + item.get("region").asText(),
                new Truth(item.get("state").asText(), item.hasNonNull("box") ? FrameLines.box(item) : null)));
        long[][] confusion = new long[states.size()][states.size()];
        long[] cam = new long[2];
        long[] seen = new long[1];
        FrameLines.read(resultsLog, "regions", camera, (frame, item) -> {
            Truth t = expected.get(frame + "/" + item.get("region").asText());
            if (t == null) {
                return;
            }
            seen[0]++;
            int trueState = index(states, t.state(), truth);
            int predicted = index(states, item.get("state").asText(), resultsLog);
            confusion[trueState][predicted]++;
            JsonNode peak = item.get("cam_peak");
            if (trueState != 0 && t.box() != null && peak != null && !peak.isNull()) {
                cam[0]++;
                double x = peak.get(0).asDouble();
                double y = peak.get(1).asDouble();
                double[] b = t.box();
                if (x >= b[0] - PEAK_MARGIN_PX && x <= b[2] + PEAK_MARGIN_PX && y >= b[1] - PEAK_MARGIN_PX
                        && y <= b[3] + PEAK_MARGIN_PX) {
                    cam[1]++;
                }
            }
        });
        return new Result(List.copyOf(states), confusion, cam[0], cam[1], expected.size() - seen[0]);
    }

    private static int index(List<String> states, String state, Path file) {
        int i = states.indexOf(state);
        if (i < 0) {
            throw new IllegalArgumentException(file + ": state '" + state + "' is not one of the model's " + states);
        }
        return i;
    }
}
