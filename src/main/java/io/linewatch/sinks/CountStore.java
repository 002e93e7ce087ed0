package io.linewatch.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last count of each counting line that resumes, kept in the state folder as the line's last
 * count message ({@code linewatch.count.v1}): {@code <state_dir>/counts/<camera>/<counter>.json},
 * replaced atomically at every count before the message goes to the outbox, so it is never older
 * than what the broker retains. Read once at start; a file that cannot be read is said in one line
 * naming it, and that line counts from 0. Writes come from the count stage's thread.
 */
public final class CountStore {

    private static final Logger LOG = LoggerFactory.getLogger(CountStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public CountStore(Path stateDir) {
        this.dir = stateDir.resolve("counts");
    }

    /** The file of one line's last count. */
    public Path file(String camera, String counter) {
        return dir.resolve(camera).resolve(counter + ".json");
    }

    /** The line's counts by class at its last count; empty when there is none (or it cannot be read, logged). */
    public Map<String, Long> read(String camera, String counter) {
        Path file = file(camera, counter);
        Map<String, Long> counts = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return counts;
        }
        try {
            JsonNode counted = JSON.readTree(file.toFile()).get("counts");
            if (counted == null || !counted.isObject()) {
                throw new IOException("no 'counts' object");
            }
            counted.fields().forEachRemaining(f -> counts.put(f.getKey(), f.getValue().asLong()));
            LOG.info("camera {}: counter {} resumes from {} ({})", camera, counter, counts, file);
        } catch (IOException | RuntimeException e) {
            LOG.error("camera {}: counter {} cannot resume from {}: {}; it counts from 0", camera, counter, file,
                    e.getMessage());
            counts.clear();
        }
        return counts;
    }

    /** Keeps {@code json} as the line's last count (temp file, then an atomic rename); a failure is logged. */
    public void write(String camera, String counter, String json) {
        Path file = file(camera, counter);
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(counter + ".json.tmp");
            Files.writeString(temp, json, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            LOG.error("camera {}: counter {}: last count not kept in {}: {}", camera, counter, file, e.toString());
        }
    }
}
