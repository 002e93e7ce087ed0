package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.testing.Shipped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A looped file camera keeps one time line for its frames and its kept packets: an alarm raised in
 * the second pass over the file (the conveyor's first 300 frames, played twice) gets a clip that
 * starts on a key frame at most one GOP before pre_seconds ahead of the deciding frame, as in the
 * first pass, and holds the file's own packets (ffprobe packet checksums).
 */
class LoopedClipTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FRAMES = 300;
    private static final double PRE = 2.0;

    @TempDir
    Path dir;

    @Test
    void anAlarmInTheSecondPassHasAClipAroundIt() throws Exception {
        Path cut = dir.resolve("conveyor-300.mp4");
        run("ffmpeg", "-v", "error", "-i", Shipped.CLIP.toString(), "-frames:v", "" + FRAMES, "-c", "copy",
                cut.toString());
        Path config = Shipped.exampleConfig(dir, null, "source: " + Shipped.CLIP, "source: " + cut, "loop: false",
                "loop: true", "snapshots_dir: " + dir.resolve("snapshots"), "snapshots_dir: " + dir.resolve("snapshots")
                        + "\n  clips:\n    enabled: true\n    dir: " + dir.resolve("clips") + "\n    pre_seconds: " + PRE
                        + "\n    post_seconds: 1");
        Pipeline pipeline = Pipeline.start(ConfigLoader.load(config),
                Pipeline.Options.replay(Playback.asFastAsPossible()).withLoad(1.0, 2L * FRAMES));
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        List<String[]> source = new ArrayList<>();
        for (String line : probe(cut, "-show_packets", "-show_data_hash", "crc32", "-show_entries",
                "packet=pts_time,flags,data_hash").lines().toList()) {
            source.add(line.split(","));
        }
        List<String> hashes = source.stream().map(p -> p[2]).toList();
        List<Double> framePts = source.stream().map(p -> Double.parseDouble(p[0])).sorted().toList();
        List<JsonNode> secondPass = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if (e.get("type").asText().equals("raised") && e.get("frame").asInt() >= FRAMES + 60) {
                secondPass.add(e);
            }
        }
        assertThat(secondPass).as("alarms raised in the second pass, 60 frames or more into it").isNotEmpty();
        for (JsonNode e : secondPass) {
            Path clip = Path.of(e.get("clip").get("path").asText());
            assertThat(clip).as("clip of %s", e).exists();
            List<String> got = probe(clip, "-show_packets", "-show_data_hash", "crc32", "-show_entries",
                    "packet=data_hash").lines().map(String::strip).toList();
            int at = Collections.indexOfSubList(hashes, got);
            assertThat(at).as("clip %s: a run of the file's packets", clip).isGreaterThanOrEqualTo(0);
            assertThat(source.get(at)[1]).startsWith("K");
            double eventPts = framePts.get(e.get("frame").asInt() - FRAMES);
            double first = Double.parseDouble(source.get(at)[0]);
            assertThat(first).as("clip %s starts (s) against the event at %s s", clip, eventPts)
                    .isLessThanOrEqualTo(eventPts - PRE + 1e-6).isGreaterThanOrEqualTo(eventPts - PRE - 2.5);
        }
    }

    private static String probe(Path file, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-select_streams", "v"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-of", "csv=p=0", file.toString()));
        return run(cmd.toArray(String[]::new));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s", String.join(" ", cmd)).isZero();
        return out;
    }
}
