package io.linewatch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Mask accuracy of a regions log (see {@code sinks.RegionLogHandler}) against a clip's true masks,
 * pooled over the whole clip at source pixels: the IoU of the foreground (any class predicted
 * against any defect true) and of each class, and defect recall: a true defect (one entry of the
 * ground truth's {@code defects}) is found when at least half of its pixels (the true mask's pixels
 * of its class inside its box) are predicted as its class. A frame missing from the log counts as
 * predicting nothing.
 *
 * <p>The true masks are a gray video beside the ground truth ({@code NAME.gt.jsonl} and
 * {@code NAME.masks.mkv}), one frame per clip frame, pixel value = 1 + class index (0: background),
 * read with FFmpeg.
 */
public final class SegmentationMatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Pooled pixel counts and defect counts.
     *
     * @param classes      class names, in the model's order (mask value {@code c + 1} is class {@code c})
     * @param intersection per class, pixels predicted and true
     * @param union        per class, pixels predicted or true
     * @param defects      per class, true defects
     * @param found        per class, true defects found
     */
    public record Result(List<String> classes, long frames, long foregroundIntersection, long foregroundUnion,
                         long[] intersection, long[] union, long[] defects, long[] found) {

        /** IoU of the foreground union mask, pooled over all frames (1 when neither has any pixel). */
        public double iou() {
            return ratio(foregroundIntersection, foregroundUnion);
        }

        public double classIou(int c) {
            return ratio(intersection[c], union[c]);
        }

        /** True defects found, over all true defects (1 when there are none). */
        public double recall() {
            long all = 0;
            long hit = 0;
            for (int c = 0; c < defects.length; c++) {
                all += defects[c];
                hit += found[c];
            }
            return ratio(hit, all);
        }

        /** One line for the replay summary, indented like its other lines. */
        public String summaryLine() {
            StringBuilder perClass = new StringBuilder();
            StringBuilder recalls = new StringBuilder();
            for (int c = 0; c < classes.size(); c++) {
                String sep = c == 0 ? "" : ", ";
                perClass.append(sep).append(String.format(Locale.ROOT, "%s %.3f", classes.get(c), classIou(c)));
                recalls.append(sep).append(String.format(Locale.ROOT, "%s %d/%d", classes.get(c), found[c], defects[c]));
            }
            long all = java.util.Arrays.stream(defects).sum();
            long hit = java.util.Arrays.stream(found).sum();
            return String.format(Locale.ROOT, "  ground truth (segmentation, %d frames): mask IoU %.3f (%s),"
                    + " defect recall %.3f (%d of %d: %s)", frames, iou(), perClass, recall(), hit, all, recalls);
        }

        private static double ratio(long a, long b) {
            return b == 0 ? 1.0 : (double) a / b;
        }
    }

    private record Defect(int classId, int[] box) {
    }

    private SegmentationMatch() {
    }

    /** The true masks' video beside a ground-truth file: {@code X.gt.jsonl} -> {@code X.masks.mkv}. */
    public static Path masksBeside(Path groundTruth) {
        String name = groundTruth.getFileName().toString();
        String stem = name.endsWith(".gt.jsonl") ? name.substring(0, name.length() - ".gt.jsonl".length()) : name;
        return groundTruth.resolveSibling(stem + ".masks.mkv");
    }

    /**
     * @param groundTruth {@code {"frame": n, "defects": [{"class": .., "box": [x1,y1,x2,y2]}]}} per line
     * @param masks       the true masks' video
     * @param regionsLog  the regions log of the replay
     * @param camera      the camera whose lines to take
     * @param classes     the model's classes
     */
    public static Result evaluate(Path groundTruth, Path masks, Path regionsLog, String camera, List<String> classes)
            throws IOException {
        Map<Long, List<Defect>> truth = readTruth(groundTruth, classes);
        Map<Long, int[][]> predicted = readRuns(regionsLog, camera, classes);
        int n = classes.size();
        Counts counts = new Counts(n);
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(masks.toFile());
        grabber.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
        try {
            grabber.start();
            byte[] trueMask = null;
            byte[] predictedBits = null;
            long frame = 0;
            for (Frame f = grabber.grabImage(); f != null; f = grabber.grabImage(), frame++) {
                if (trueMask == null) {
                    trueMask = new byte[f.imageWidth * f.imageHeight];
                    predictedBits = new byte[trueMask.length];
                }
                copyGray(f, trueMask);
                paint(predicted.get(frame), predictedBits);
                counts.addPixels(trueMask, predictedBits);
                for (Defect d : truth.getOrDefault(frame, List.of())) {
                    counts.addDefect(d, trueMask, predictedBits, f.imageWidth);
                }
            }
            return new Result(classes, frame, counts.fgIntersection, counts.fgUnion, counts.intersection,
                    counts.union, counts.defects, counts.found);
        } catch (FrameGrabber.Exception e) {
            throw new IOException(masks + ": cannot read the true masks: " + e.getMessage(), e);
        } finally {
            grabber.close();
        }
    }

    /** Pixel and defect tallies. */
    private static final class Counts {
        long fgIntersection;
        long fgUnion;
        final long[] intersection;
        final long[] union;
        final long[] defects;
        final long[] found;

        Counts(int classes) {
            intersection = new long[classes];
            union = new long[classes];
            defects = new long[classes];
            found = new long[classes];
        }

        void addPixels(byte[] trueMask, byte[] bits) {
            for (int p = 0; p < trueMask.length; p++) {
                int t = trueMask[p] & 0xff;
                int b = bits[p];
                if (t != 0 || b != 0) {
                    fgUnion++;
                    if (t != 0 && b != 0) {
                        fgIntersection++;
                    }
                }
                for (int c = 0; c < intersection.length; c++) {
                    boolean isTrue = t == c + 1;
                    boolean isPredicted = (b & (1 << c)) != 0;
                    if (isTrue || isPredicted) {
                        union[c]++;
                        if (isTrue && isPredicted) {
                            intersection[c]++;
                        }
                    }
                }
            }
        }

        void addDefect(Defect d, byte[] trueMask, byte[] bits, int width) {
            int height = trueMask.length / width;
            long pixels = 0;
            long hit = 0;
            for (int y = Math.max(0, d.box[1]); y < Math.min(height, d.box[3]); y++) {
                for (int x = Math.max(0, d.box[0]); x < Math.min(width, d.box[2]); x++) {
                    int p = y * width + x;
                    if ((trueMask[p] & 0xff) == d.classId + 1) {
                        pixels++;
                        hit += (bits[p] >> d.classId) & 1;
                    }
                }
            }
            if (pixels > 0) {
                defects[d.classId]++;
                found[d.classId] += 2 * hit >= pixels ? 1 : 0;
            }
        }
    }

    private static void copyGray(Frame f, byte[] out) {
        ByteBuffer buf = (ByteBuffer) f.image[0];
        for (int y = 0; y < f.imageHeight; y++) {
            buf.position(y * f.imageStride);
            buf.get(out, y * f.imageWidth, f.imageWidth);
        }
        buf.rewind();
    }

    /** The predicted class bits of one frame (bit c: class c), from its runs; all clear when none. */
    private static void paint(int[][] runs, byte[] bits) {
        java.util.Arrays.fill(bits, (byte) 0);
        if (runs == null) {
            return;
        }
        for (int c = 0; c < runs.length; c++) {
            for (int k = 0; k + 1 < runs[c].length; k += 2) {
                int end = Math.min(bits.length, runs[c][k] + runs[c][k + 1]);
                for (int p = runs[c][k]; p < end; p++) {
                    bits[p] |= (byte) (1 << c);
                }
            }
        }
    }

    private static Map<Long, List<Defect>> readTruth(Path file, List<String> classes) throws IOException {
        Map<Long, List<Defect>> frames = new HashMap<>();
        for (Line line : lines(file)) {
            JsonNode node = line.json();
            if (!node.has("frame") || !node.has("defects")) {
                throw new IOException(file + ": line " + line.number() + ": needs 'frame' and 'defects'");
            }
            List<Defect> defects = frames.computeIfAbsent(node.get("frame").asLong(), f -> new ArrayList<>());
            for (JsonNode d : node.get("defects")) {
                int c = classes.indexOf(d.path("class").asText());
                JsonNode b = d.get("box");
                if (c < 0 || b == null || b.size() != 4) {
                    throw new IOException(file + ": line " + line.number() + ": a defect needs a class of " + classes
                            + " and a box [x1, y1, x2, y2], got " + d);
                }
                defects.add(new Defect(c, new int[] {(int) Math.floor(b.get(0).asDouble()),
                    (int) Math.floor(b.get(1).asDouble()), (int) Math.ceil(b.get(2).asDouble()),
                    (int) Math.ceil(b.get(3).asDouble())}));
            }
        }
        return frames;
    }

    /** Each frame's runs per class, in the model's class order. */
    private static Map<Long, int[][]> readRuns(Path file, String camera, List<String> classes) throws IOException {
        Map<Long, int[][]> frames = new HashMap<>();
        for (Line line : lines(file)) {
            JsonNode node = line.json();
            if (camera != null && !camera.equals(node.path("camera").asText())) {
                continue;
            }
            JsonNode runs = node.path("mask").path("runs");
            if (!node.has("frame") || !runs.isObject()) {
                throw new IOException(file + ": line " + line.number() + ": needs 'frame' and 'mask.runs'"
                        + " (a regions log of a segmentation camera)");
            }
            int[][] perClass = new int[classes.size()][];
            for (int c = 0; c < perClass.length; c++) {
                JsonNode r = runs.path(classes.get(c));
                perClass[c] = new int[r.size()];
                for (int k = 0; k < r.size(); k++) {
                    perClass[c][k] = r.get(k).asInt();
                }
            }
            frames.put(node.get("frame").asLong(), perClass);
        }
        return frames;
    }

    private record Line(int number, JsonNode json) {
    }

    private static List<Line> lines(Path file) throws IOException {
        List<Line> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String text;
            int number = 0;
            while ((text = in.readLine()) != null) {
                number++;
                if (!text.isBlank()) {
                    out.add(new Line(number, JSON.readTree(text)));
                }
            }
        }
        return out;
    }
}
