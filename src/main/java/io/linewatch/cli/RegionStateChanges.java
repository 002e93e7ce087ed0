package io.linewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The region states a results log ({@code replay --detections}) implies were published: per camera
 * and region of a classification camera, its first frame's decided state and each change of it, one
 * message each on the region's retained topic. Lines of other tasks are passed over.
 */
final class RegionStateChanges {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RegionStateChanges() {
    }

    /** How many region state messages the log implies; 0 when it has no classification lines or is absent. */
    static long count(Path resultsLog) throws IOException {
        if (!Files.exists(resultsLog)) {
            return 0;
        }
        Map<String, String> decided = new HashMap<>();
        long changes = 0;
        try (BufferedReader in = Files.newBufferedReader(resultsLog)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.contains("\"decided\"")) {
                    continue;
                }
                JsonNode frame = JSON.readTree(line);
                for (JsonNode region : frame.path("regions")) {
                    String state = region.path("decided").asText(null);
                    if (state == null) {
                        continue;
                    }
                    String key = frame.path("camera").asText() + "/" + region.path("region").asText();
                    if (!state.equals(decided.put(key, state))) {
                        changes++;
                    }
                }
            }
        }
        return changes;
    }
}
