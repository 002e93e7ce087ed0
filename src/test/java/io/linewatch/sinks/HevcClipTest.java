package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Shipped;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An H.265 camera's evidence: the shipped conveyor clip's first 20 s encoded as HEVC by Debian's FFmpeg
 * (libx265, a key frame a second), replayed with clips on. Each raised alarm's clip is an MP4 of HEVC
 * whose packets are a run of the source's, byte for byte, from a key frame: remuxed, never re-encoded.
 */
class HevcClipTest {

    @TempDir
    Path dir;

    @Test
    void anH265SourcesClipsAreMp4sOfItsOwnPackets() throws Exception {
        Path source = dir.resolve("conveyor-hevc.mp4");
        ClipReplayTest.run("ffmpeg", "-v", "error", "-y", "-i", Shipped.CLIP.toString(), "-t", "20", "-c:v", "libx265",
                "-preset", "ultrafast", "-x265-params", "keyint=25:log-level=error", "-an", source.toString());
        assertThat(ClipReplayTest.ffprobe(source, "-select_streams", "v", "-show_entries", "stream=codec_name", "-of",
                "csv=p=0").strip()).isEqualTo("hevc");
        Path config = Shipped.exampleConfig(dir, null, "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + "\n  clips:\n    enabled: true\n    dir: "
                        + dir.resolve("clips") + "\n    pre_seconds: 2.0\n    post_seconds: 1.0");
        Cli.Result r = Cli.run("replay", "--config", config.toString(), source.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();

        List<JsonNode> raised = ClipReplayTest.ofType(ClipReplayTest.read(dir.resolve("events.jsonl")), "raised");
        assertThat(raised).as("alarms in the first 20 s").isNotEmpty();
        List<String> sourceHashes = ClipReplayTest.packets(source).stream().map(ClipReplayTest.Pkt::hash).toList();
        for (JsonNode alarm : raised) {
            Path clip = Path.of(alarm.path("clip").path("path").asText());
            assertThat(clip).as("clip of %s", alarm.path("id")).exists().hasExtension("mp4");
            assertThat(ClipReplayTest.ffprobe(clip, "-select_streams", "v", "-show_entries", "stream=codec_name", "-of",
                    "csv=p=0").strip()).as("codec of " + clip).isEqualTo("hevc");
            List<ClipReplayTest.Pkt> got = ClipReplayTest.packets(clip);
            assertThat(got.get(0).key()).as(clip + " starts at a key frame").isTrue();
            assertThat(Collections.indexOfSubList(sourceHashes, got.stream().map(ClipReplayTest.Pkt::hash).toList()))
                    .as("clip %s: its packets, byte for byte, are a run of the source's", clip).isNotNegative();
        }
    }
}
