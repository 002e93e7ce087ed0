package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Shipped;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code linewatch export-clip EVENT_ID} on a clip the daemon wrote (the shipped conveyor's first
 * 300 frames replayed with clips on): it finds the event's clip, writes an H.264 MP4 with as many
 * frames as the clip (ffprobe), and draws the sidecar's boxes into the pixels (ffmpeg decodes the
 * frame: the box's top edge has the class colour, which the clip's own frame there has not).
 */
class ClipExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path clipsDir;
    static JsonNode raised;

    @BeforeAll
    static void replayWithClips() throws Exception {
        Path cut = ClipReplayTest.firstFrames(Shipped.CLIP, 300, dir.resolve("conveyor-300.mp4"));
        clipsDir = dir.resolve("clips");
        Path config = Shipped.exampleConfig(dir, null, "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + "\n  clips:\n    enabled: true\n    dir: " + clipsDir
                        + "\n    pre_seconds: 2\n    post_seconds: 1");
        Cli.Result r = Cli.run("replay", "--config", config.toString(), cut.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if (e.get("type").asText().equals("raised") && raised == null) {
                raised = e;
            }
        }
        assertThat(raised).as("a raised event in the first 300 frames").isNotNull();
    }

    @Test
    void anH264CopyWithTheClipsFramesAndTheBoxesDrawn() throws Exception {
        Path out = dir.resolve("shared.mp4");
        Cli.Result r = Cli.run("export-clip", "--clips", clipsDir.toString(), "--out", out.toString(),
                raised.get("id").asText());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(out.toString());
        assertThat(r.err().lines().filter(l -> l.startsWith("export-clip: ")).count()).as(r.err())
                .isGreaterThanOrEqualTo(3);
        Path clip = Path.of(raised.get("clip").get("path").asText());
        assertThat(probe(out, "stream=codec_name,width,height")).isEqualTo(probe(clip, "stream=width,height")
                .replaceFirst("^", "h264,"));
        assertThat(frameCount(out)).isEqualTo(frameCount(clip));
        Edge edge = boxEdge(clip);
        double[] drawn = meanOnEdge(frame(out, edge.index()), edge);
        Color c = ClipExport.colour(edge.className());
        assertThat(distance(drawn, c)).as("mean RGB %s on the box's top edge against %s", java.util.Arrays.toString(
                drawn), c).isLessThan(40);
        assertThat(distance(meanOnEdge(frame(clip, edge.index()), edge), c)).as("the clip's own frame there")
                .isGreaterThan(100);
    }

    @Test
    void anFfv1CopyHasTheBoxColourExactlyOnTheBoxEdge() throws Exception {
        Path out = dir.resolve("lossless.mkv");
        Cli.Result r = Cli.run("export-clip", "--clips", clipsDir.toString(), "--out", out.toString(), "--codec",
                "ffv1", raised.get("id").asText());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(probe(out, "stream=codec_name")).isEqualTo("ffv1");
        Edge edge = boxEdge(Path.of(raised.get("clip").get("path").asText()));
        byte[] rgb = frame(out, edge.index());
        Color c = ClipExport.colour(edge.className());
        int exact = 0;
        for (int x = edge.x1(); x <= edge.x2(); x++) {
            int i = (edge.y() * edge.width() + x) * 3;
            exact += (rgb[i] & 0xff) == c.getRed() && (rgb[i + 1] & 0xff) == c.getGreen()
                    && (rgb[i + 2] & 0xff) == c.getBlue() ? 1 : 0;
        }
        assertThat(exact).as("pixels of the class colour on the top edge").isGreaterThanOrEqualTo(
                (int) (0.9 * (edge.x2() - edge.x1() + 1)));
    }

    @Test
    void anEventWithoutAClipIsOneLine() {
        Cli.Result r = Cli.run("export-clip", "--clips", clipsDir.toString(), "00000000-0000-0000-0000-000000000000");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("linewatch: error: no clip of event 00000000-0000-0000-0000-000000000000 in "
                + clipsDir).doesNotContain("\n");
    }

    /** Row {@code y} from x1 to x2 of the largest box's top edge, in frame {@code index} of the clip. */
    record Edge(int index, String className, int y, int x1, int x2, int width) {
    }

    private static Edge boxEdge(Path clip) throws Exception {
        String name = clip.getFileName().toString();
        JsonNode doc = JSON.readTree(clip.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".frames.json")
                .toFile());
        List<Double> times = ClipReplayTest.frameTimes(clip);
        int width = Integer.parseInt(probe(clip, "stream=width"));
        Edge best = null;
        double bestArea = 0;
        for (JsonNode f : doc.get("frames")) {
            for (JsonNode d : f.get("detections")) {
                JsonNode b = d.get("box");
                double area = (b.get(2).asDouble() - b.get(0).asDouble()) * (b.get(3).asDouble() - b.get(1).asDouble());
                int index = indexOf(times, f.get("t").asDouble());
                if (area > bestArea && b.get(1).asDouble() > 20 && index >= 0) {
                    bestArea = area;
                    best = new Edge(index, d.get("class").asText(), (int) Math.round(b.get(1).asDouble()),
                            (int) Math.round(b.get(0).asDouble()) + 4, (int) Math.round(b.get(2).asDouble()) - 4, width);
                }
            }
        }
        assertThat(best).as("a box in %s", doc.get("clip")).isNotNull();
        return best;
    }

    static int indexOf(List<Double> times, double t) {
        for (int i = 0; i < times.size(); i++) {
            if (Math.abs(times.get(i) - t) < 0.001) {
                return i;
            }
        }
        return -1;
    }

    private static double[] meanOnEdge(byte[] rgb, Edge e) {
        double[] sum = new double[3];
        for (int x = e.x1(); x <= e.x2(); x++) {
            for (int ch = 0; ch < 3; ch++) {
                sum[ch] += rgb[(e.y() * e.width() + x) * 3 + ch] & 0xff;
            }
        }
        int n = e.x2() - e.x1() + 1;
        return new double[] {sum[0] / n, sum[1] / n, sum[2] / n};
    }

    private static double distance(double[] rgb, Color c) {
        return Math.sqrt(Math.pow(rgb[0] - c.getRed(), 2) + Math.pow(rgb[1] - c.getGreen(), 2)
                + Math.pow(rgb[2] - c.getBlue(), 2));
    }

    /** Frame {@code index} (presentation order) as packed RGB, decoded by ffmpeg. */
    static byte[] frame(Path file, int index) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", file.toString(), "-vf",
                "select=eq(n\\," + index + ")", "-fps_mode", "passthrough", "-frames:v", "1", "-f", "rawvideo",
                "-pix_fmt", "rgb24", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("frame %d of %s", index, file).isNotEmpty();
        return out;
    }

    private static int frameCount(Path file) throws Exception {
        return Integer.parseInt(probe(file, "stream=nb_read_frames", "-count_frames"));
    }

    private static String probe(Path file, String entries, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-select_streams", "v"));
        cmd.addAll(List.of(more));
        cmd.addAll(List.of("-show_entries", entries, "-of", "csv=p=0", file.toString()));
        return run(cmd.toArray(String[]::new)).strip();
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s", String.join(" ", cmd)).isZero();
        return out;
    }
}
