package io.linewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.testing.Daemon;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon killed (SIGKILL, a child JVM) while it writes an evidence clip: the clip its raised event
 * names is not there under that name (only its {@code .part}), every clip that is there decodes
 * without an error and has its sidecar, and the next start removes the unfinished files, so no
 * event ever points to a truncated clip.
 */
class ClipKillTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aClipCutByAKillIsNeverUnderItsNameAndTheNextStartRemovesIt() throws Exception {
        Path clips = dir.resolve("clips");
        Path config = Shipped.exampleConfig(dir, null, "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + "\n  clips:\n    enabled: true\n    dir: " + clips
                        + "\n    pre_seconds: 2\n    post_seconds: 20");
        Path events = dir.resolve("events.jsonl");
        Process first = Daemon.command(dir, dir.resolve("first.log"), "replay", "--config", config.toString(),
                "--realtime").start();
        List<Path> parts;
        try {
            await().atMost(PATIENCE).until(() -> !raised(events).isEmpty() && !parts(clips).isEmpty()
                    || !first.isAlive());
            assertThat(first.isAlive()).as("writing a clip when killed: %s", Files.readString(dir.resolve("first.log")))
                    .isTrue();
            Thread.sleep(500); // a few more packets into the clip
        } finally {
            first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        parts = parts(clips);
        assertThat(parts).as("unfinished files at the kill").isNotEmpty();
        List<JsonNode> raised = raised(events);
        int cut = 0;
        for (JsonNode e : raised) {
            Path clip = Path.of(e.get("clip").get("path").asText());
            if (parts.contains(clip.resolveSibling(clip.getFileName() + ".part"))) {
                assertThat(clip).as("the clip being written at the kill, under its event's name").doesNotExist();
                cut++;
            }
        }
        assertThat(cut).as("raised events whose clip was being written at the kill").isPositive();
        assertEveryClipWhole(clips);

        Path shortClip = dir.resolve("conveyor-25.mp4");
        run("ffmpeg", "-v", "error", "-i", Shipped.CLIP.toString(), "-frames:v", "25", "-c", "copy",
                shortClip.toString());
        Process second = Daemon.command(dir, dir.resolve("second.log"), "replay", "--config", config.toString(),
                shortClip.toString()).start();
        assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).as(Files.readString(dir.resolve("second.log"))).isZero();
        assertThat(parts(clips)).as("unfinished files after the next start").isEmpty();
        assertThat(Files.readString(dir.resolve("second.log"))).contains("removed " + parts.size()
                + " unfinished file(s) left by the last run");
        for (JsonNode e : raised) {
            Path clip = Path.of(e.get("clip").get("path").asText());
            if (parts.contains(clip.resolveSibling(clip.getFileName() + ".part"))) {
                assertThat(clip).doesNotExist();
            }
        }
        assertEveryClipWhole(clips);
    }

    /** Every clip under its final name decodes without a word from FFmpeg and has a sidecar that parses. */
    private static void assertEveryClipWhole(Path clips) throws Exception {
        List<Path> finished;
        try (Stream<Path> s = Files.walk(clips)) {
            finished = s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".mp4")).toList();
        }
        for (Path clip : finished) {
            assertThat(run("ffmpeg", "-v", "error", "-i", clip.toString(), "-f", "null", "-")).as("decoding %s", clip)
                    .isEmpty();
            String name = clip.getFileName().toString();
            JsonNode sidecar = JSON.readTree(clip.resolveSibling(name.replace(".mp4", ".frames.json")).toFile());
            assertThat(sidecar.get("clip").asText()).isEqualTo(name);
        }
    }

    private static List<Path> parts(Path clips) throws IOException {
        if (!Files.isDirectory(clips)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(clips)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    private static List<JsonNode> raised(Path events) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(events)) {
            return out;
        }
        for (String line : Files.readAllLines(events)) {
            if (line.endsWith("}")) { // a line cut by the kill is not an event
                JsonNode e = JSON.readTree(line);
                if (e.get("type").asText().equals("raised")) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** Runs a command; returns its stderr and stdout together. */
    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
        return out;
    }
}
