package io.linewatch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well a thermal log (what {@code replay --detections} writes for a thermal camera) matches a
 * clip's ground truth: mean absolute error of the frame's max, avg and min temperature (the model's
 * estimates against the noise-free object scene), and hotspots matched one to one, greedily by
 * ascending distance within {@link #MATCH_PX} pixels: position error, peak temperature error,
 * recall and precision.
 */
public final class ThermalAccuracy {

    /** A found hotspot farther than this from every true one is a false one. */
    public static final double MATCH_PX = 8.0;
    private static final double ZERO_CELSIUS_K = 273.15;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Figures over the frames found in both files; errors in kelvin and source pixels.
     *
     * @param frames          frames compared
     * @param maxMaeK         mean absolute error of the frame's max
     * @param avgMaeK         of its average
     * @param minMaeK         of its min
     * @param trueHotspots    hotspots in the ground truth
     * @param foundHotspots   hotspots in the log
     * @param matched         pairs within {@link #MATCH_PX}
     * @param meanErrorPx     mean distance of the matched pairs
     * @param maxErrorPx      largest distance of a matched pair
     * @param peakMaeK        mean absolute error of the matched hotspots' peak temperatures
     */
    public record Result(long frames, double maxMaeK, double avgMaeK, double minMaeK, long trueHotspots,
                         long foundHotspots, long matched, double meanErrorPx, double maxErrorPx, double peakMaeK) {

        public double recall() {
            return trueHotspots == 0 ? 1.0 : (double) matched / trueHotspots;
        }

        public double precision() {
            return foundHotspots == 0 ? 1.0 : (double) matched / foundHotspots;
        }

        /** The replay summary's line. */
        public String summaryLine() {
            return String.format(Locale.ROOT, "  ground truth (thermal, %d frames): MAE max %.2f K, avg %.2f K,"
                    + " min %.2f K;"
                    + " hotspots within %.0f px: recall %.3f, precision %.3f, position error mean %.2f px (max %.2f),"
                    + " peak MAE %.2f K", frames, maxMaeK, avgMaeK, minMaeK, MATCH_PX, recall(), precision(),
                    meanErrorPx, maxErrorPx, peakMaeK);
        }
    }

    private record Spot(double x, double y, double peakK) {
    }

    private record Frame(double maxK, double avgK, double minK, List<Spot> spots) {
    }

    private ThermalAccuracy() {
    }

    /**
     * @param groundTruth one line a frame: {@code {"frame": n, "max_c": .., "avg_c": .., "min_c": ..,
     *                    "hotspots": [{"x", "y", "peak_c"}]}}
     * @param log         one line a frame: {@code {"camera": .., "frame": n, "max_k": .., ...,
     *                    "hotspots": [{"x", "y", "score", "peak_k"}]}}
     * @param camera      the camera whose lines to take, or null for all
     */
    public static Result evaluate(Path groundTruth, Path log, String camera) throws IOException {
        Map<Long, Frame> truth = read(groundTruth, null, "_c", ZERO_CELSIUS_K);
        Map<Long, Frame> found = read(log, camera, "_k", 0);
        long frames = 0;
        double maxErr = 0;
        double avgErr = 0;
        double minErr = 0;
        long trueSpots = 0;
        long foundSpots = 0;
        List<double[]> pairs = new ArrayList<>();
        for (Map.Entry<Long, Frame> e : truth.entrySet()) {
            Frame f = found.get(e.getKey());
            if (f == null) {
                continue;
            }
            Frame t = e.getValue();
            frames++;
            maxErr += Math.abs(f.maxK() - t.maxK());
            avgErr += Math.abs(f.avgK() - t.avgK());
            minErr += Math.abs(f.minK() - t.minK());
            trueSpots += t.spots().size();
            foundSpots += f.spots().size();
            pairs.addAll(match(f.spots(), t.spots()));
        }
        double n = Math.max(1, frames);
        double meanPx = pairs.stream().mapToDouble(p -> p[0]).average().orElse(Double.NaN);
        double maxPx = pairs.stream().mapToDouble(p -> p[0]).max().orElse(Double.NaN);
        double peakMae = pairs.stream().mapToDouble(p -> p[1]).average().orElse(Double.NaN);
        return new Result(frames, maxErr / n, avgErr / n, minErr / n, trueSpots, foundSpots, pairs.size(), meanPx,
                maxPx, peakMae);
    }

    /** One-to-one pairs by ascending distance within {@link #MATCH_PX}: {distance, |peak error|} each. */
    static List<double[]> match(List<Spot> found, List<Spot> truth) {
        List<double[]> candidates = new ArrayList<>();
        for (int a = 0; a < found.size(); a++) {
            for (int b = 0; b < truth.size(); b++) {
                double d = Math.hypot(found.get(a).x() - truth.get(b).x(), found.get(a).y() - truth.get(b).y());
                if (d <= MATCH_PX) {
                    candidates.add(new double[] {d, a, b});
                }
            }
        }
        candidates.sort((p, q) -> Double.compare(p[0], q[0]));
        boolean[] usedFound = new boolean[found.size()];
        boolean[] usedTruth = new boolean[truth.size()];
        List<double[]> pairs = new ArrayList<>();
        for (double[] c : candidates) {
            int a = (int) c[1];
            int b = (int) c[2];
            if (!usedFound[a] && !usedTruth[b]) {
                usedFound[a] = true;
                usedTruth[b] = true;
                pairs.add(new double[] {c[0], Math.abs(found.get(a).peakK() - truth.get(b).peakK())});
            }
        }
        return pairs;
    }

    /** Frames by number; temperatures in kelvin ({@code suffix} names the file's unit, {@code toKelvin} converts). */
    private static Map<Long, Frame> read(Path file, String camera, String suffix, double toKelvin) throws IOException {
        Map<Long, Frame> frames = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                if (camera != null && n.has("camera") && !camera.equals(n.get("camera").asText())) {
                    continue;
                }
                List<Spot> spots = new ArrayList<>();
                for (JsonNode s : n.path("hotspots")) {
                    spots.add(new Spot(s.get("x").asDouble(), s.get("y").asDouble(),
                            s.path("peak" + suffix).asDouble(Double.NaN) + toKelvin));
                }
                frames.put(n.get("frame").asLong(), new Frame(n.get("max" + suffix).asDouble() + toKelvin,
                        n.get("avg" + suffix).asDouble() + toKelvin, n.get("min" + suffix).asDouble() + toKelvin,
                        spots));
            }
        }
        return frames;
    }
}
