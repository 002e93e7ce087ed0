package io.linewatch.sinks;

import static io.linewatch.sinks.ClipReplayTest.ffprobe;
import static io.linewatch.sinks.ClipReplayTest.frameHashes;
import static io.linewatch.sinks.ClipReplayTest.ofType;
import static io.linewatch.sinks.ClipReplayTest.read;
import static io.linewatch.sinks.ClipReplayTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image sequences have no packets a clip could hold, so capture encodes their frames once: frames
 * written here as files (16-bit PGM from the shipped thermal clip, 8-bit PNG from the conveyor clip)
 * are replayed with clips on; every raised alarm names a clip that exists and that the FFmpeg
 * command line decodes, and a 16-bit sequence's clip is FFV1 gray16le with the source's counts, frame
 * for frame. (Raw V4L2 formats take the same encoder; no device here to test them with.)
 */
class SequenceClipTest {

    private static final double PRE = 3.0;
    private static final double POST = 2.0;

    @TempDir
    Path dir;

    @Test
    void aSixteenBitSequencesClipIsLosslessFfv1WithTheSourcesCountsFrameForFrame() throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        // Frames 90-209 of the motor: the bearing crosses 80 degC at frame 132.
        run("ffmpeg", "-v", "error", "-i", Shipped.MOTOR_CLIP.toString(), "-vf", "select=between(n\\,90\\,209)",
                "-fps_mode", "passthrough", "-pix_fmt", "gray16be", "-start_number", "0",
                frames.resolve("%05d.pgm").toString());
        Path config = Shipped.exampleConfigOf(Shipped.THERMAL_CONFIG, dir, null,
                "    pacing: realtime", "    pacing: realtime\n    frame_rate: 9",
                "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + clips(dir.resolve("clips")));
        Cli.Result r = Cli.run("replay", "--config", config.toString(), frames.resolve("%05d.pgm").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();

        List<JsonNode> raised = ofType(read(dir.resolve("events.jsonl")), "raised");
        assertThat(raised).isNotEmpty();
        List<String> sourceFrames = frameHashes(frames.resolve("%05d.pgm"));
        assertThat(sourceFrames).hasSize(120);
        for (JsonNode e : raised) {
            Path clip = Path.of(e.get("clip").get("path").asText());
            assertThat(clip).as("clip of %s", e).exists().hasExtension("mkv");
            assertThat(ffprobe(clip, "-select_streams", "v", "-show_entries", "stream=codec_name,pix_fmt", "-of",
                    "csv=p=0").strip()).isEqualTo("ffv1,gray16le");
            List<String> clipFrames = frameHashes(clip);
            assertThat(clipFrames).hasSizeGreaterThanOrEqualTo((int) ((PRE + POST) * 9));
            assertThat(Collections.indexOfSubList(sourceFrames, clipFrames)).as("clip %s: its gray16le frames are a"
                    + " run of the sequence's", clip).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void anEightBitSequencesClipIsEncodedOnceAndDecodes() throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        // Frames 0-199 of the conveyor: the first foreign object is in view from frame 108.
        run("ffmpeg", "-v", "error", "-i", Shipped.CLIP.toString(), "-frames:v", "200", "-start_number", "0",
                frames.resolve("%05d.png").toString());
        Path config = Shipped.exampleConfig(dir, null,
                "    loop: false", "    loop: false\n    frame_rate: 25",
                "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + clips(dir.resolve("clips")));
        Cli.Result r = Cli.run("replay", "--config", config.toString(), frames.resolve("%05d.png").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();

        List<JsonNode> events = read(dir.resolve("events.jsonl"));
        List<JsonNode> raised = ofType(events, "raised");
        assertThat(raised).isNotEmpty();
        for (JsonNode e : raised) {
            Path clip = Path.of(e.get("clip").get("path").asText());
            assertThat(clip).as("clip of %s", e).exists().hasExtension("mp4");
            assertThat(ffprobe(clip, "-select_streams", "v", "-show_entries", "stream=codec_name,width,height", "-of",
                    "csv=p=0").strip()).isEqualTo("h264,640,360");
            int decoded = Integer.parseInt(ffprobe(clip, "-select_streams", "v", "-count_frames", "-show_entries",
                    "stream=nb_read_frames", "-of", "csv=p=0").strip());
            assertThat(decoded).as("frames of %s that decode", clip).isGreaterThanOrEqualTo((int) ((PRE + POST) * 25));
            assertThat(ofType(events, "clip")).anyMatch(m -> m.get("event_id").equals(e.get("id"))
                    && m.get("clip").get("path").asText().equals(clip.toString()));
        }
    }

    private static String clips(Path clipsDir) {
        return "\n  clips:\n    enabled: true\n    dir: " + clipsDir + "\n    pre_seconds: " + PRE
                + "\n    post_seconds: " + POST;
    }
}
