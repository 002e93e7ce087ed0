package io.linewatch.daemon;

import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The size and time of each opened model's file at the start, so that a reload can tell a model file
 * replaced on disk (which needs a restart). Used under the {@link Pipeline}'s lock.
 */
final class ModelFiles {

    private final Map<String, String> stamps = new HashMap<>();

    /** Notes the file of model {@code name} as it is now. */
    void opened(String name, ModelConfig model) {
        stamps.put(name, stamp(model.path()));
    }

    /** Models whose file is not the size and time it was when opened, by the paths in {@code config}. */
    Set<String> changed(LinewatchConfig config) {
        Set<String> changed = new HashSet<>();
        stamps.forEach((name, stamp) -> {
            ModelConfig model = config.models().get(name);
            if (model != null && !stamp.equals(stamp(model.path()))) {
                changed.add(name);
            }
        });
        return changed;
    }

    private static String stamp(String path) {
        try {
            Path file = Path.of(path);
            return Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException | RuntimeException e) {
            return "unreadable";
        }
    }
}
