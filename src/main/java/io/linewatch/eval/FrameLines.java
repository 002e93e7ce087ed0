package io.linewatch.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a JSONL file of frames (ground truth, or a replay's {@code --detections} log): one object a
 * line with {@code frame} and a list of items (boxes) under a key. Shared by the evaluators.
 */
final class FrameLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Told of each item of a frame's list. */
    @FunctionalInterface
    interface ItemReader {
        void item(long frame, JsonNode item);
    }

    private FrameLines() {
    }

    /**
     * Calls {@code reader} for every item under {@code listKey} of the lines of {@code camera} (lines
     * without a camera count for every camera; null: all cameras).
     *
     * @throws IOException a line without {@code frame} or the list, naming the file and the line
     */
    static void read(Path file, String listKey, String camera, ItemReader reader) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                if (camera != null && node.has("camera") && !camera.equals(node.get("camera").asText())) {
                    continue;
                }
                if (!node.has("frame") || !node.has(listKey)) {
                    throw new IOException(file + ": line " + lineNumber + ": needs 'frame' and '" + listKey + "'");
                }
                long frame = node.get("frame").asLong();
                for (JsonNode item : node.get(listKey)) {
                    reader.item(frame, item);
                }
            }
        }
    }

    /** An item's {@code box} as {@code [x1, y1, x2, y2]}. */
    static double[] box(JsonNode item) {
        JsonNode b = item.get("box");
        return new double[] {b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()};
    }
}
