package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.ConfigLoader;
import io.linewatch.testing.RtspServer;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RTSP camera keeps evidence: a real GStreamer RTSP server streams the shipped conveyor clip as
 * H.264, the daemon (clips on) raises its alarms, and each raised event's clip is an MP4 of the
 * stream's own H.264 packets (no re-encoding: ffprobe finds h264 at the stream's size) that starts
 * on a key frame at most one GOP (1 s) before pre_seconds ahead of the event (the deciding frame's
 * place in the clip, by its sidecar entry and the clip's own frame times), lasts through
 * post_seconds, decodes without an error, and has its sidecar.
 */
class RtspClipTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double PRE = 2.0;
    private static final double POST = 2.0;

    @TempDir
    Path dir;

    @Test
    void anRtspCamerasRaisedEventsHaveClipsOfItsOwnPackets() throws Exception {
        Path clips = dir.resolve("clips");
        try (RtspServer server = RtspServer.startH264(dir.resolve("rtsp.log"), Shipped.CLIP, 640, 360, 25)) {
            Path config = Shipped.exampleConfig(dir, null, "source: " + Shipped.CLIP, "source: " + server.url(),
                    "# width: 1920", "width: 640", "# height: 1080", "height: 360",
                    "snapshots_dir: " + dir.resolve("snapshots"), "snapshots_dir: " + dir.resolve("snapshots")
                            + "\n  clips:\n    enabled: true\n    dir: " + clips + "\n    pre_seconds: " + PRE
                            + "\n    post_seconds: " + POST);
            Path events = dir.resolve("events.jsonl");
            Pipeline pipeline = Pipeline.start(ConfigLoader.load(config), Pipeline.Options.daemon());
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> ofType(events, "clip").size() >= 1);
            } finally {
                pipeline.close();
            }
            List<JsonNode> raised = ofType(events, "raised");
            List<JsonNode> done = ofType(events, "clip");
            assertThat(raised).isNotEmpty();
            JsonNode first = raised.get(0);
            JsonNode message = done.stream().filter(m -> m.get("event_id").equals(first.get("id"))).findFirst()
                    .orElseThrow();
            Path clip = Path.of(first.get("clip").get("path").asText());
            assertThat(message.get("clip").get("path").asText()).isEqualTo(clip.toString());
            assertThat(clip).exists().hasExtension("mp4");
            assertThat(probe(clip, "-show_entries", "stream=codec_name,width,height").strip()).isEqualTo("h264,640,360");
            assertThat(run("ffmpeg", "-v", "error", "-i", clip.toString(), "-f", "null", "-")).as("decoding %s", clip)
                    .isEmpty();
            List<String[]> packets = probe(clip, "-show_packets", "-show_entries", "packet=pts_time,flags").lines()
                    .map(l -> l.split(",")).toList();
            assertThat(packets.get(0)[1]).as("first packet's flags").startsWith("K");
            double span = Double.parseDouble(packets.get(packets.size() - 1)[0]) - Double.parseDouble(packets.get(0)[0]);
            double eventAt = java.time.Duration.between(Instant(message.get("clip").get("start").asText()),
                    Instant(first.get("time").asText())).toNanos() / 1e9;
            assertThat(eventAt).as("event's time after the clip's start (s)").isBetween(PRE - 0.05, PRE + 1.05);
            assertThat(span - eventAt).as("clip after the event (s)").isGreaterThanOrEqualTo(POST - 0.1);
            String name = clip.getFileName().toString();
            JsonNode sidecar = JSON.readTree(clip.resolveSibling(name.replace(".mp4", ".frames.json")).toFile());
            assertThat(sidecar.get("events")).extracting(JsonNode::asText).contains(first.get("id").asText());
            assertThat(sidecar.get("frames").size()).as("sidecar frames against the clip's %d packets", packets.size())
                    .isGreaterThan(packets.size() / 2);
            JsonNode deciding = null;
            for (JsonNode f : sidecar.get("frames")) {
                if (f.get("frame").equals(first.get("frame"))) {
                    deciding = f;
                }
            }
            assertThat(deciding).as("the deciding frame %s in the sidecar", first.get("frame")).isNotNull();
            double t = deciding.get("t").asDouble();
            assertThat(t).as("the deciding frame's place in the clip (s)").isBetween(PRE - 0.05, PRE + 1.05);
            List<Double> times = probe(clip, "-show_frames", "-show_entries", "frame=pts_time").lines()
                    .map(l -> Double.parseDouble(l.split(",")[0])).sorted().toList();
            assertThat(times).as("a frame of the clip at t=%s", t).anyMatch(x -> Math.abs(x - times.get(0) - t) < 0.002);
        }
    }

    private static java.time.Instant Instant(String text) {
        return java.time.Instant.parse(text);
    }

    private static List<JsonNode> ofType(Path events, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(events)) {
            return out;
        }
        for (String line : Files.readAllLines(events)) {
            JsonNode e = JSON.readTree(line);
            if (e.get("type").asText().equals(type)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String probe(Path file, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error", "-select_streams", "v"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-of", "csv=p=0", file.toString()));
        return run(cmd.toArray(String[]::new));
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
        return out;
    }
}
