package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.testing.Clips;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running pipeline takes a new config in place: a live camera whose keys changed gets one new
 * capture thread (the old one ends) while the file camera beside it keeps its own; a new file that
 * cannot open refuses the reload and changes nothing; a new file too large for its lane's slots
 * needs a restart and changes nothing; a camera replaced by a reload keeps its packets for clips.
 */
class PipelineReloadTest {

    @TempDir
    Path dir;

    @Test
    void aChangedCameraGetsANewCaptureThreadAndAReloadThatCannotBeTakenChangesNothing() throws Exception {
        String gate = "rtsp://127.0.0.1:" + Mosquitto.freePort() + "/nobody-serves-this";
        Path config = Shipped.exampleConfig(dir, null, "loop: false", "loop: true", "cameras:\n", "cameras:\n"
                + "  - id: gate\n    source: " + gate + "\n    model: conveyor\n    width: 320\n    height: 240\n"
                + "    stall_timeout_ms: 500\n    reconnect_min_ms: 100\n    reconnect_max_ms: 200\n");
        String yaml = Files.readString(config);
        Pipeline pipeline = Pipeline.start(ConfigLoader.load(config), Pipeline.Options.daemon());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().get(1).framesIn.get() > 10);
            Thread belt = captureThread("conveyor");
            Thread oldGate = captureThread("gate");

            Pipeline.Reload r = pipeline.reload(load(config, yaml.replace("stall_timeout_ms: 500", "stall_timeout_ms: 700")));
            assertThat(r.restartNeeded()).isFalse();
            assertThat(r.summary()).isEqualTo("capture restarted for camera(s) [gate]");
            assertThat(oldGate.isAlive()).as("the old capture ended").isFalse();
            assertThat(captureThread("gate")).isNotSameAs(oldGate);
            assertThat(captureThread("conveyor")).isSameAs(belt);

            Path missing = dir.resolve("missing.mp4");
            String noFile = yaml.replace("stall_timeout_ms: 500", "stall_timeout_ms: 700")
                    .replace(Shipped.CLIP.toString(), missing.toString());
            assertThatThrownBy(() -> pipeline.reload(load(config, noFile))).isInstanceOf(StartupException.class)
                    .hasMessage("camera conveyor: cannot open " + missing + ": no such file");

            Path large = dir.resolve("large.mkv");
            Clips.writeFfv1(large, 1280, 720, 2, new ArrayList<>());
            Pipeline.Reload tooLarge = pipeline.reload(load(config, yaml.replace("stall_timeout_ms: 500",
                    "stall_timeout_ms: 700").replace(Shipped.CLIP.toString(), large.toString())));
            assertThat(tooLarge.restartNeeded()).isTrue();
            // A detection camera's file fills its slot with I420 planes: 1.5 bytes a pixel.
            assertThat(tooLarge.summary()).startsWith("camera conveyor: the new source's frames need 1382400 bytes,"
                    + " more than its lane's slots hold (345600)");

            assertThat(captureThread("conveyor")).as("neither touched the file camera").isSameAs(belt);
            long frames = pipeline.stats().get(1).framesIn.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.stats().get(1).framesIn.get() > frames + 5);
            assertThat(pipeline.reload(load(config, yaml.replace("stall_timeout_ms: 500", "stall_timeout_ms: 700")))
                    .summary()).as("the running config is the one last taken").isEqualTo("nothing changed");
        } finally {
            pipeline.close();
        }
    }

    /**
     * A file camera whose source a reload replaces keeps its packets for clips: the alarm its new
     * source raises names a clip that is written, and that clip holds the new source's own packets
     * (byte for byte, checked with ffprobe), reaching past the alarm's frame.
     */
    @Test
    void aCameraReplacedByAReloadKeepsItsPacketsForClips() throws Exception {
        Path replacement = dir.resolve("replacement.mp4");
        // The conveyor's first 7 s, encoded again (packets of their own): a foreign object from frame 108.
        run("ffmpeg", "-v", "error", "-i", Shipped.CLIP.toString(), "-frames:v", "175", "-c:v", "libx264", "-preset",
                "ultrafast", "-g", "25", "-bf", "0", replacement.toString());
        Path config = Shipped.exampleConfig(dir, null, "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + "\n  clips:\n    enabled: true\n    dir: "
                        + dir.resolve("clips") + "\n    pre_seconds: 1\n    post_seconds: 1");
        String yaml = Files.readString(config);
        Pipeline pipeline = Pipeline.start(ConfigLoader.load(config), Pipeline.Options.daemon());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().get(0).framesIn.get() > 5);
            Pipeline.Reload r = pipeline.reload(load(config, yaml.replace(Shipped.CLIP.toString(),
                    replacement.toString())));
            assertThat(r.summary()).isEqualTo("capture restarted for camera(s) [conveyor]");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(dir.resolve("events.jsonl"))
                    .contains("\"type\":\"raised\""));
        } finally {
            pipeline.close();
        }
        List<String> source = packetHashes(replacement);
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            com.fasterxml.jackson.databind.JsonNode e = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            if (!e.get("type").asText().equals("raised")) {
                continue;
            }
            assertThat(e.get("clip").isObject()).as("the clip of %s", line).isTrue();
            Path clip = Path.of(e.get("clip").get("path").asText());
            assertThat(clip).exists();
            List<String> got = packetHashes(clip);
            int at = java.util.Collections.indexOfSubList(source, got);
            assertThat(at).as("clip %s: a run of the new source's packets", clip).isGreaterThanOrEqualTo(0);
            assertThat(at + got.size()).as("clip %s reaches past the alarm's frame", clip)
                    .isGreaterThan(e.get("frame").asInt());
        }
    }

    /** CRC-32 of each video packet's data, in decode order. */
    private static List<String> packetHashes(Path file) throws Exception {
        return List.of(run("ffprobe", "-v", "error", "-select_streams", "v", "-show_packets", "-show_data_hash",
                "crc32", "-show_entries", "packet=data_hash", "-of", "csv=p=0", file.toString()).strip().split("\n"));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
        return out;
    }

    private static LinewatchConfig load(Path file, String yaml) throws Exception {
        Files.writeString(file, yaml);
        return ConfigLoader.load(file);
    }

    /** The one live capture thread of a camera. */
    private static Thread captureThread(String camera) {
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("lw-capture-" + camera) && t.isAlive()).toList();
        assertThat(threads).hasSize(1);
        return threads.get(0);
    }
}
