package io.linewatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped models, clips and example configs, and configs derived from the examples for tests. */
public final class Shipped {

    public static final Path MODEL = Path.of("models/conveyor-det.onnx").toAbsolutePath();
    public static final Path CLIP = Path.of("samples/conveyor.mp4").toAbsolutePath();
    public static final Path GROUND_TRUTH = Path.of("samples/conveyor.gt.jsonl").toAbsolutePath();
    public static final Path APPEARANCES = Path.of("samples/conveyor.appearances.json").toAbsolutePath();
    public static final Path EXAMPLE_CONFIG = Path.of("deploy/examples/conveyor.yaml").toAbsolutePath();
    public static final Path THERMAL_MODEL = Path.of("models/thermal-hotspot.onnx").toAbsolutePath();
    public static final Path MOTOR_CLIP = Path.of("samples/motor.mkv").toAbsolutePath();
    public static final Path MOTOR_GROUND_TRUTH = Path.of("samples/motor.gt.jsonl").toAbsolutePath();
    public static final Path THERMAL_CONFIG = Path.of("deploy/examples/thermal.yaml").toAbsolutePath();
    public static final Path INSPECTION_CLIP = Path.of("samples/inspection.mp4").toAbsolutePath();
    public static final Path INSPECTION_CONFIG = Path.of("deploy/examples/inspection.yaml").toAbsolutePath();

    private Shipped() {
    }

    /**
     * Writes the example config into {@code dir} with absolute model and clip paths, the given
     * broker URL (or MQTT off when null), and extra text replacements ({@code from, to} pairs).
     */
    public static Path exampleConfig(Path dir, String mqttUrl, String... replacements) throws IOException {
        return exampleConfigOf(EXAMPLE_CONFIG, dir, mqttUrl, replacements);
    }

    /** {@link #exampleConfig(Path, String, String...)} of another example, such as {@link #THERMAL_CONFIG}. */
    public static Path exampleConfigOf(Path example, Path dir, String mqttUrl, String... replacements)
            throws IOException {
        String yaml = Files.readString(example)
                .replace("../../models/", MODEL.getParent() + "/")
                .replace("../../samples/", CLIP.getParent() + "/")
                .replace("url: tcp://127.0.0.1:1883", "url: " + (mqttUrl == null ? "tcp://127.0.0.1:1" : mqttUrl))
                .replace("event_log: events.jsonl", "event_log: " + dir.resolve("events.jsonl"))
                .replace("snapshots_dir: snapshots", "snapshots_dir: " + dir.resolve("snapshots"))
                .replace("dir: outbox ", "dir: " + dir.resolve("outbox") + " ");
        if (mqttUrl == null) {
            yaml = yaml.replace("  enabled: true", "  enabled: false");
        }
        if (!yaml.contains("\nnode: ")) {
            yaml = yaml.replaceFirst("(?m)^site: (\\S+)$", "site: $1\nnode: box1"); // topics name this box: box1
        }
        for (int i = 0; i + 1 < replacements.length; i += 2) {
            if (!yaml.contains(replacements[i])) {
                throw new IllegalArgumentException("the example config has no '" + replacements[i] + "'");
            }
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        Path file = dir.resolve("linewatch.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
