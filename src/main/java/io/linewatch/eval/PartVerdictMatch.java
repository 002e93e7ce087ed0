package io.linewatch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Part verdicts of a replay (the {@code linewatch.verdict.v1} lines of its event log) against an
 * inspection clip's ground truth ({@code samples/inspection.gt.jsonl}: each frame's main {@code item}
 * and each defect's {@code item}). A true part is {@code nok} when any defect of it is listed. Each
 * verdict is matched to the true part whose main frames overlap its first..last frames most; a
 * verdict is right when ok/nok agree, and a nok verdict's classes are right when its defects'
 * classes are the part's true classes.
 */
public final class PartVerdictMatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param verdicts    verdicts matched to a true part
     * @param unmatched   verdicts whose frames overlap no true part
     * @param twice       true parts with more than one verdict
     * @param missed      true parts without a verdict
     */
    public record Result(int trueParts, int trueNok, int verdicts, int right, int nokAsOk, int okAsNok,
                         int classesRight, int unmatched, int twice, int missed) {

        public double accuracy() {
            return trueParts == 0 ? 0 : (double) right / trueParts;
        }

        public String summaryLine() {
            return String.format(Locale.ROOT, "  parts: verdict accuracy %.3f (%d of %d true parts right: %d nok, %d ok;"
                            + " nok judged ok %d, ok judged nok %d), defect classes right on %d of %d nok parts;"
                            + " %d verdicts, %d on no true part, %d parts judged twice, %d without a verdict",
                    accuracy(), right, trueParts, trueNok, trueParts - trueNok, nokAsOk, okAsNok, classesRight, trueNok,
                    verdicts, unmatched, twice, missed);
        }
    }

    private record TruePart(long first, long last, Set<String> classes) {
    }

    private PartVerdictMatch() {
    }

    public static Result evaluate(Path truth, Path eventLog, String camera) throws IOException {
        List<TruePart> parts = trueParts(truth);
        int[] verdictsOf = new int[parts.size()];
        int right = 0;
        int nokAsOk = 0;
        int okAsNok = 0;
        int classesRight = 0;
        int unmatched = 0;
        int verdicts = 0;
        for (JsonNode v : verdicts(eventLog, camera)) {
            verdicts++;
            int k = bestOverlap(parts, v.get("first_frame").asLong(), v.get("last_frame").asLong());
            if (k < 0) {
                unmatched++;
                continue;
            }
            if (verdictsOf[k]++ > 0) {
                continue;
            }
            TruePart p = parts.get(k);
            boolean nok = v.get("verdict").asText().equals("nok");
            Set<String> classes = new TreeSet<>();
            v.get("defects").forEach(d -> classes.add(d.get("class").asText()));
            if (nok == !p.classes().isEmpty()) {
                right++;
            } else if (nok) {
                okAsNok++;
            } else {
                nokAsOk++;
            }
            if (nok && classes.equals(p.classes())) {
                classesRight++;
            }
        }
        int twice = 0;
        int missed = 0;
        for (int n : verdictsOf) {
            twice += n > 1 ? 1 : 0;
            missed += n == 0 ? 1 : 0;
        }
        int trueNok = (int) parts.stream().filter(p -> !p.classes().isEmpty()).count();
        return new Result(parts.size(), trueNok, verdicts, right, nokAsOk, okAsNok, classesRight, unmatched, twice,
                missed);
    }

    private static int bestOverlap(List<TruePart> parts, long first, long last) {
        int best = -1;
        long bestFrames = 0;
        for (int k = 0; k < parts.size(); k++) {
            long frames = Math.min(last, parts.get(k).last()) - Math.max(first, parts.get(k).first()) + 1;
            if (frames > bestFrames) {
                best = k;
                bestFrames = frames;
            }
        }
        return best;
    }

    /** Each true part's main frames (first..last) and its defects' classes, by item. */
    private static List<TruePart> trueParts(Path truth) throws IOException {
        TreeMap<Integer, long[]> frames = new TreeMap<>();
        TreeMap<Integer, Set<String>> classes = new TreeMap<>();
        for (JsonNode f : lines(truth)) {
            long frame = f.get("frame").asLong();
            if (f.hasNonNull("item")) {
                long[] range = frames.computeIfAbsent(f.get("item").asInt(), k -> new long[] {frame, frame});
                range[1] = frame;
                classes.computeIfAbsent(f.get("item").asInt(), k -> new TreeSet<>());
            }
            for (JsonNode d : f.path("defects")) {
                classes.computeIfAbsent(d.get("item").asInt(), k -> new TreeSet<>()).add(d.get("class").asText());
            }
        }
        List<TruePart> parts = new ArrayList<>();
        frames.forEach((item, range) -> parts.add(new TruePart(range[0], range[1], classes.get(item))));
        return parts;
    }

    private static List<JsonNode> verdicts(Path eventLog, String camera) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : lines(eventLog)) {
            if ("linewatch.verdict.v1".equals(n.path("schema").asText()) && camera.equals(n.path("camera").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    try {
                        out.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new IOException(file + ": line " + number + ": not JSON: " + e.getMessage(), e);
                    }
                }
            }
        }
        return out;
    }
}
