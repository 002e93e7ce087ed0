package io.linewatch.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an ONNX file says about itself in its metadata, as Ultralytics exports write it: every value
 * a Python {@code str()} ({@code names} a dict literal {@code {0: 'person', 1: 'bicycle'}}, {@code
 * imgsz} a list {@code [640, 640]} of height and width, {@code end2end} {@code True} or {@code
 * False}). A file without these keys (a model exported by other tools) has empty fields.
 *
 * @param raw     every metadata entry, by key
 * @param names   class names in class-id order, empty when not given
 * @param height  input height ({@code imgsz[0]}), or null
 * @param width   input width ({@code imgsz[1]}), or null
 * @param stride  the largest stride, or null
 * @param task    {@code detect}, {@code segment}, {@code classify}, {@code pose}, {@code obb}, or null
 * @param batch   the batch size it was exported with, or null
 * @param end2end whether the head is NMS-free (YOLOv10, YOLO26)
 */
public record ModelMetadata(Map<String, String> raw, List<String> names, Integer height, Integer width,
                            Integer stride, String task, Integer batch, boolean end2end) {

    /** A model without metadata. */
    public static final ModelMetadata NONE = new ModelMetadata(Map.of(), List.of(), null, null, null, null, null, false);

    public ModelMetadata {
        raw = Map.copyOf(raw);
        names = List.copyOf(names);
    }

    /**
     * Reads the metadata of {@code model} (a session without graph optimisation: only the header
     * is wanted).
     *
     * @throws EngineException one line naming the file and what is wrong with it
     */
    public static ModelMetadata read(Path model) throws EngineException {
        if (!Files.isRegularFile(model)) {
            throw new EngineException("model " + model + ": no such file");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                return of(model, session.getMetadata().getCustomMetadata());
            }
        } catch (OrtException e) {
            String m = String.valueOf(e.getMessage());
            throw new EngineException("model " + model + ": cannot load: " + m.lines().findFirst().orElse("").trim(), e);
        }
    }

    /**
     * Parses metadata entries.
     *
     * @throws EngineException when an Ultralytics key holds what Ultralytics never writes
     */
    public static ModelMetadata of(Path model, Map<String, String> entries) throws EngineException {
        try {
            List<String> imgsz = entries.containsKey("imgsz") ? list(entries.get("imgsz")) : List.of();
            if (imgsz.size() != 0 && imgsz.size() != 2) {
                throw new IllegalArgumentException("'imgsz' is " + entries.get("imgsz") + ", expected [height, width]");
            }
            return new ModelMetadata(entries, entries.containsKey("names") ? names(entries.get("names")) : List.of(),
                    imgsz.isEmpty() ? null : positive("imgsz", imgsz.get(0)),
                    imgsz.isEmpty() ? null : positive("imgsz", imgsz.get(1)),
                    integer(entries, "stride"), entries.get("task"), integer(entries, "batch"),
                    "true".equalsIgnoreCase(String.valueOf(entries.get("end2end")).trim()));
        } catch (IllegalArgumentException e) {
            throw new EngineException("model " + model + ": metadata " + e.getMessage());
        }
    }

    /** Whether the file carries any of the keys linewatch reads. */
    public boolean present() {
        return !names.isEmpty() || height != null || task != null || batch != null;
    }

    /**
     * The class names of a dict literal {@code {0: 'a', 1: "b's"}}: keys must be 0..n-1 (in any
     * order), values quoted strings with Python's escapes.
     */
    static List<String> names(String literal) {
        String s = literal.trim();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IllegalArgumentException("'names' is not a dict literal {0: 'name', ...}: " + cut(s));
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        int[] at = {1};
        while (true) {
            skipSpaces(s, at);
            if (s.charAt(at[0]) == '}') {
                break;
            }
            int key = Integer.parseInt(token(s, at, ':').trim());
            at[0]++;
            skipSpaces(s, at);
            String name = quoted(s, at);
            if (byId.put(key, name) != null) {
                throw new IllegalArgumentException("'names' holds class id " + key + " twice");
            }
            skipSpaces(s, at);
            if (s.charAt(at[0]) == ',') {
                at[0]++;
            }
        }
        if (!byId.isEmpty() && (byId.firstKey() != 0 || byId.lastKey() != byId.size() - 1)) {
            throw new IllegalArgumentException("'names' has class ids " + byId.keySet() + ", expected 0.."
                    + (byId.size() - 1));
        }
        return new ArrayList<>(byId.values());
    }

    /** The items of a list literal {@code [640, 640]}, unparsed. */
    private static List<String> list(String literal) {
        String s = literal.trim();
        if (!(s.startsWith("[") && s.endsWith("]")) && !(s.startsWith("(") && s.endsWith(")"))) {
            return List.of(s); // a single size: imgsz 640
        }
        List<String> items = new ArrayList<>();
        for (String item : s.substring(1, s.length() - 1).split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items.size() == 1 ? List.of(items.get(0), items.get(0)) : items;
    }

    private static Integer integer(Map<String, String> entries, String key) {
        return entries.containsKey(key) ? positive(key, entries.get(key)) : null;
    }

    private static int positive(String key, String value) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is '" + cut(value) + "', expected a positive integer");
        }
    }

    private static void skipSpaces(String s, int[] at) {
        while (at[0] < s.length() && Character.isWhitespace(s.charAt(at[0]))) {
            at[0]++;
        }
        if (at[0] >= s.length()) {
            throw new IllegalArgumentException("'names' ends early: " + cut(s));
        }
    }

    private static String token(String s, int[] at, char end) {
        int stop = s.indexOf(end, at[0]);
        if (stop < 0) {
            throw new IllegalArgumentException("'names' lacks '" + end + "' after position " + at[0] + ": " + cut(s));
        }
        String t = s.substring(at[0], stop);
        at[0] = stop;
        return t;
    }

    /** A Python string literal in single or double quotes, with backslash escapes. */
    private static String quoted(String s, int[] at) {
        char quote = s.charAt(at[0]);
        if (quote != '\'' && quote != '"') {
            throw new IllegalArgumentException("'names' has an unquoted name at position " + at[0] + ": " + cut(s));
        }
        StringBuilder out = new StringBuilder();
        for (int i = at[0] + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote) {
                at[0] = i + 1;
                return out.toString();
            }
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                out.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                out.append(c);
            }
        }
        throw new IllegalArgumentException("'names' has an unterminated name: " + cut(s));
    }

    private static String cut(String s) {
        String one = s.lines().findFirst().orElse("");
        return one.length() > 60 ? one.substring(0, 60) + "..." : one;
    }

    @Override
    public String toString() {
        if (!present()) {
            return "none";
        }
        return "task " + task + ", " + names.size() + " classes, imgsz " + height + "x" + width + " (h x w), stride "
                + stride + ", batch " + batch + (end2end ? ", end2end" : "")
                + (raw.containsKey("version") ? ", Ultralytics " + raw.get("version") : "");
    }

    /** The task in lower case, or an empty string. */
    public String taskName() {
        return task == null ? "" : task.trim().toLowerCase(Locale.ROOT);
    }
}
