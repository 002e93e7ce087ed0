package io.linewatch.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.HttpConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health and metrics endpoint of a running pipeline, scraped over HTTP and parsed by the
 * Prometheus reference parser (Debian's python3-prometheus-client; .ci/run installs it).
 */
class OpsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The clip's first foreign object comes (frame 108) and goes (219): an alarm raised and cleared. */
    private static final long FRAMES = 260;

    @TempDir
    Path dir;

    @Test
    void readyWhileStreamingAndTheMetricsAddUp() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfig(dir, broker.url()));
            // Jetty's classes load before the 10 s clip starts: on a machine shared by many builds
            // (load 50 on 2 cores) loading them took 10 s, and the clip had ended before the first scrape.
            OpsServer.start(new HttpConfig("127.0.0.1", 0), null).close();
            Path detections = dir.resolve("detections.jsonl");
            Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()).withLoad(1.0, FRAMES)
                    .withDetectionsLog(detections));
            // Port 0: the server binds a free port itself and says which (no probe socket closed first).
            OpsServer ops = OpsServer.start(new HttpConfig("127.0.0.1", 0), pipeline);
            String base = "http://127.0.0.1:" + ops.port();
            double detectionsCounted;
            try {
                assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> get(base + "/readyz").statusCode() == 200);
                // The broker away: not ready, saying why, while the camera streams on.
                broker.kill();
                await().atMost(Duration.ofSeconds(10)).until(() -> get(base + "/readyz").statusCode() == 503);
                assertThat(get(base + "/readyz").body()).isEqualTo("not ready: broker not connected\n");
                assertThat(value(parse(get(base + "/metrics").body()), "linewatch_mqtt_connected", Map.of())).isZero();
                broker.restart();
                await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.mqtt().isConnected());
                pipeline.awaitSources();
                await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.outbox().waitingCount() == 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.ringDepths().get(0).depth() == 0);
                HttpResponse<String> notReady = get(base + "/readyz");
                assertThat(notReady.statusCode()).isEqualTo(503);
                assertThat(notReady.body()).contains("no camera streaming");

                HttpResponse<String> metrics = get(base + "/metrics");
                assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                        v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
                List<JsonNode> samples = parse(metrics.body());
                double in = value(samples, "linewatch_frames_in_total", Map.of("camera", "conveyor"));
                double inferred = value(samples, "linewatch_frames_inferred_total", Map.of("camera", "conveyor"));
                double dropped = samples.stream().filter(s -> s.path("name").asText().equals("linewatch_frames_dropped_total"))
                        .mapToDouble(s -> s.path("value").asDouble()).sum();
                double skipped = value(samples, "linewatch_frames_skipped_total", Map.of("camera", "conveyor", "reason", "rate"))
                        + value(samples, "linewatch_frames_skipped_total", Map.of("camera", "conveyor", "reason", "still"));
                assertThat(in).isEqualTo((double) FRAMES);
                assertThat(skipped).as("no inference gate configured").isZero();
                assertThat(inferred + skipped + dropped).isEqualTo(in);
                assertThat(value(samples, "linewatch_camera_state", Map.of("camera", "conveyor", "state", "stopped")))
                        .isEqualTo(1);
                double raised = value(samples, "linewatch_alarms_raised_total", Map.of("camera", "conveyor"));
                assertThat(raised).isEqualTo(pipeline.stats().get(0).alarmsRaised.get()).isPositive();
                assertThat(value(samples, "linewatch_outbox_messages", Map.of())).isZero();
                assertThat(value(samples, "linewatch_mqtt_acknowledged_total", Map.of()))
                        .isEqualTo(value(samples, "linewatch_outbox_appended_total", Map.of()));
                assertThat(value(samples, "linewatch_frame_age_at_inference_seconds_count", Map.of()))
                        .isEqualTo(inferred);
                // Every frame capture put into the ring passes every stage (dropped ones marked so).
                double intoRing = in - drops(samples, "ring_full") - drops(samples, "too_large")
                        - drops(samples, "decode_error");
                assertThat(value(samples, "linewatch_stage_frames_total", Map.of("lane", "conveyor", "stage", "inference")))
                        .isEqualTo(intoRing);
                assertThat(value(samples, "linewatch_process_resident_bytes", Map.of())).isGreaterThan(50e6);
                // Pss counts each page once, and shared ones in part: above the heap in use, at most the resident
                assertThat(value(samples, "linewatch_process_proportional_bytes", Map.of())).isGreaterThan(50e6)
                        .isLessThanOrEqualTo(ProcessMemory.residentBytes() * 1.1);
                everyOtherFamilyAddsUp(samples, inferred, dir.resolve("events.jsonl"));
                detectionsCounted = value(samples, "linewatch_detections_total", Map.of("camera", "conveyor"));
                stageHistogramsAddUp(samples);
                assertThat(value(samples, "linewatch_ring_depth", Map.of("lane", "conveyor"))).isZero();
                assertThat(value(samples, "linewatch_ring_slots", Map.of("lane", "conveyor"))).isEqualTo(32);
                assertThat(get(base + "/reload").statusCode()).as("GET is not a reload").isEqualTo(405);
                assertThat(post(base + "/reload").body()).as("a replay has no config file to re-read")
                        .startsWith("not reloadable");

                Cli.Result status = Cli.run("status", "--url", base);
                assertThat(status.exitCode()).as("not ready: the clip has ended").isEqualTo(1);
                assertThat(status.out()).contains("not ready: no camera streaming")
                        .contains(String.format(java.util.Locale.ROOT, "camera conveyor: stopped; frames in " + FRAMES + ", inferred %.0f, dropped %.0f;"
                                + " alarms raised %.0f", inferred, dropped, raised))
                        .contains("mqtt: connected; outbox 0 message(s) waiting");
            } finally {
                pipeline.close();
                ops.close();
            }
            long detected = 0; // the detections log is complete once the pipeline is closed
            for (String line : java.nio.file.Files.readAllLines(detections)) {
                detected += JSON.readTree(line).path("detections").size();
            }
            assertThat(detectionsCounted).as("detections, as logged").isEqualTo(detected).isPositive();
        }
    }

    /**
     * The clips folder's usage and deletions, scraped from /metrics: at start the age limit (1 h)
     * has deleted a 3-hour-old clip and the bytes are those of the 10-minute-old one it kept; after a
     * replay that writes clips over a budget smaller than any of them (the shipped clip's key frames
     * alone are over 40 kB; each finished clip pushes the older ones out), written counts the clips the clip messages name, deletions grew by every clip that left the
     * folder, and the bytes are what the folder holds.
     */
    @Test
    void theClipsUsageAndDeletionsInTheMetricsFollowTheFolder() throws Exception {
        Path clips = dir.resolve("clips");
        Path cam = Files.createDirectories(clips.resolve("conveyor"));
        writeAged(cam.resolve("000001-00000000.mp4"), 70_000, 180);
        writeAged(cam.resolve("000001-00000000.frames.json"), 1_000, 180);
        writeAged(cam.resolve("000002-11111111.mp4"), 30_000, 10);
        writeAged(cam.resolve("000002-11111111.frames.json"), 500, 10);
        LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfig(dir, null,
                "snapshots_dir: " + dir.resolve("snapshots"), "snapshots_dir: " + dir.resolve("snapshots")
                        + "\n  clips:\n    enabled: true\n    dir: " + clips + "\n    pre_seconds: 1\n    post_seconds: 1"
                        + "\n    max_bytes: 40000\n    max_age_hours: 1"));
        OpsServer.start(new HttpConfig("127.0.0.1", 0), null).close(); // Jetty's classes load first (see above)
        // Half speed: the first alarm (frame 110) comes 9 s in, long after the first scrape.
        Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()).withLoad(0.5, 150));
        OpsServer ops = OpsServer.start(new HttpConfig("127.0.0.1", 0), pipeline);
        String metrics = "http://127.0.0.1:" + ops.port() + "/metrics";
        try {
            List<JsonNode> atStart = parse(get(metrics).body());
            assertThat(value(atStart, "linewatch_clips_written_total", Map.of())).as("no clip yet").isZero();
            assertThat(value(atStart, "linewatch_clips_deleted_total", Map.of())).as("the 3-hour-old clip").isEqualTo(1);
            assertThat(value(atStart, "linewatch_clips_deleted_bytes_total", Map.of())).isEqualTo(71_000);
            assertThat(value(atStart, "linewatch_clips_bytes", Map.of())).isEqualTo(30_500);
            assertThat(value(atStart, "linewatch_clips_max_bytes", Map.of())).isEqualTo(40_000);

            pipeline.awaitSources();
            Path events = dir.resolve("events.jsonl");
            await().atMost(Duration.ofSeconds(20)).until(() -> count(events, "clip") >= count(events, "raised"));
            long written = clipPaths(events).size();
            assertThat(count(events, "raised")).as("alarms in the first 150 frames").isPositive();
            List<JsonNode> after = parse(get(metrics).body());
            assertThat(value(after, "linewatch_clips_written_total", Map.of())).isEqualTo(written);
            assertThat(value(after, "linewatch_clips_failed_total", Map.of())).isZero();
            List<Path> left;
            try (Stream<Path> files = Files.walk(clips)) {
                left = files.filter(Files::isRegularFile).toList();
            }
            long leftBytes = 0;
            for (Path f : left) {
                leftBytes += Files.size(f);
            }
            long clipsLeft = left.stream().filter(f -> !f.toString().endsWith(".frames.json")).count();
            assertThat(clipsLeft).as("the budget holds one clip, the newest").isEqualTo(1);
            assertThat(value(after, "linewatch_clips_bytes", Map.of())).as("bytes in %s", left).isEqualTo(leftBytes);
            assertThat(value(after, "linewatch_clips_deleted_total", Map.of()))
                    .as("the two clips there at start and every written one but the newest").isEqualTo(2 + written - 1);
            assertThat(value(after, "linewatch_clips_deleted_bytes_total", Map.of()))
                    .isGreaterThanOrEqualTo(71_000 + 30_500);
        } finally {
            pipeline.close();
            ops.close();
        }
    }

    private static void writeAged(Path file, int bytes, int minutesAgo) throws IOException {
        Files.write(file, new byte[bytes]);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - minutesAgo * 60_000L));
    }

    /** The clips the event log's clip messages name (overlapping alarms share one), in order. */
    private static java.util.Set<String> clipPaths(Path events) throws IOException {
        java.util.Set<String> paths = new java.util.LinkedHashSet<>();
        for (String line : Files.readAllLines(events)) {
            JsonNode m = JSON.readTree(line);
            if (m.path("type").asText().equals("clip") && m.path("clip").path("path").isTextual()) {
                paths.add(m.path("clip").path("path").asText());
            }
        }
        return paths;
    }

    /** Lines of {@code type} in the event log. */
    private static long count(Path events, String type) throws IOException {
        if (!Files.exists(events)) {
            return 0;
        }
        long n = 0;
        for (String line : Files.readAllLines(events)) {
            n += JSON.readTree(line).path("type").asText().equals(type) ? 1 : 0;
        }
        return n;
    }

    /**
     * The families not checked above, each against what the replay did: alarms as the event log
     * holds them (detections: against the detections log, once closed), one publish latency per inferred frame, a file that never
     * stalls, an outbox drained, nothing refused, two connections (one before the broker was killed,
     * one after) and connected now, the JVM's memory in bytes.
     */
    private static void everyOtherFamilyAddsUp(List<JsonNode> samples, double inferred, Path events)
            throws IOException {
        Map<String, String> camera = Map.of("camera", "conveyor");
        long raised = 0;
        long cleared = 0;
        for (String line : java.nio.file.Files.readAllLines(events)) {
            String type = JSON.readTree(line).path("type").asText();
            raised += type.equals("raised") ? 1 : 0;
            cleared += type.equals("cleared") ? 1 : 0;
        }
        assertThat(value(samples, "linewatch_alarms_raised_total", camera)).as("raised, as logged").isEqualTo(raised);
        assertThat(value(samples, "linewatch_alarms_cleared_total", camera)).as("cleared, as logged").isEqualTo(cleared);
        assertThat(cleared).isPositive();
        assertThat(value(samples, "linewatch_frames_failed_after_inference_total", camera)).isZero();
        assertThat(value(samples, "linewatch_camera_stalls_total", camera)).isZero();
        assertThat(value(samples, "linewatch_camera_reconnects_total", camera)).isZero();
        assertThat(value(samples, "linewatch_capture_to_publish_seconds_count", Map.of())).as("one per inferred frame")
                .isEqualTo(inferred);
        double p50 = value(samples, "linewatch_capture_to_publish_seconds", Map.of("quantile", "0.5"));
        assertThat(p50).isPositive().isLessThanOrEqualTo(value(samples, "linewatch_capture_to_publish_seconds",
                Map.of("quantile", "0.99")));
        for (String stage : List.of("preprocess", "inference", "detect", "alarms", "sinks")) {
            assertThat(value(samples, "linewatch_stage_busy_seconds_total", Map.of("lane", "conveyor", "stage", stage)))
                    .as("busy seconds of %s", stage).isPositive().isLessThan(60);
        }
        assertThat(value(samples, "linewatch_outbox_bytes", Map.of())).isZero();
        assertThat(value(samples, "linewatch_outbox_evicted_total", Map.of())).isZero();
        assertThat(value(samples, "linewatch_outbox_refused_total", Map.of())).isZero();
        assertThat(value(samples, "linewatch_mqtt_connections_total", Map.of())).isEqualTo(2);
        assertThat(value(samples, "linewatch_mqtt_connected", Map.of())).isEqualTo(1);
        double heap = value(samples, "linewatch_jvm_heap_used_bytes", Map.of());
        assertThat(heap).isPositive().isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
        assertThat(value(samples, "linewatch_jvm_buffer_used_bytes", Map.of("pool", "direct")))
                .as("direct buffers: the ring's input arena at least").isGreaterThanOrEqualTo(32 * 3 * 384 * 224 * 4.0);
    }

    /**
     * Every stage has a latency histogram with one observation per frame it handled, and a batch
     * histogram whose frames add up to the same; inference never batches more than the model's 4.
     */
    private static void stageHistogramsAddUp(List<JsonNode> samples) {
        for (String stage : List.of("preprocess", "inference", "detect", "alarms", "sinks")) {
            Map<String, String> labels = Map.of("lane", "conveyor", "stage", stage);
            double frames = value(samples, "linewatch_stage_frames_total", labels);
            assertThat(frames).as(stage).isPositive();
            assertThat(value(samples, "linewatch_stage_latency_seconds_count", labels)).as(stage).isEqualTo(frames);
            assertThat(buckets(samples, "linewatch_stage_latency_seconds_bucket", labels)).as(stage)
                    .isSortedAccordingTo(Double::compare).endsWith(frames);
            assertThat(value(samples, "linewatch_stage_latency_seconds_sum", labels)).as(stage).isPositive();
            assertThat(value(samples, "linewatch_stage_batch_frames_sum", labels)).as(stage).isEqualTo(frames);
        }
        Map<String, String> inference = Map.of("lane", "conveyor", "stage", "inference");
        double batches = value(samples, "linewatch_stage_batch_frames_count", inference);
        assertThat(value(samples, "linewatch_stage_batch_frames_bucket", with(inference, "le", "4")))
                .as("batches of at most the model's batch size").isEqualTo(batches);
        double frames = value(samples, "linewatch_stage_frames_total", inference);
        assertThat(batches).isBetween(frames / 4, frames);
    }

    private static double drops(List<JsonNode> samples, String reason) {
        return value(samples, "linewatch_frames_dropped_total", Map.of("camera", "conveyor", "reason", reason));
    }

    /** The cumulative counts of a histogram's buckets, in the order they were written. */
    private static List<Double> buckets(List<JsonNode> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.path("name").asText().equals(name))
                .filter(s -> labels.entrySet().stream().allMatch(
                        l -> s.path("labels").path(l.getKey()).asText().equals(l.getValue())))
                .map(s -> s.path("value").asDouble()).toList();
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> out = new java.util.HashMap<>(labels);
        out.put(key, value);
        return out;
    }

    private static HttpResponse<String> post(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double value(List<JsonNode> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.path("name").asText().equals(name))
                .filter(s -> labels.entrySet().stream().allMatch(
                        l -> s.path("labels").path(l.getKey()).asText().equals(l.getValue())))
                .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels))
                .path("value").asDouble();
    }

    /** The samples as the Prometheus client's own parser reads them. */
    private static List<JsonNode> parse(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "src/test/resources/ops/parse_metrics.py")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the Prometheus parser accepts the text").isZero();
        List<JsonNode> samples = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                samples.add(JSON.readTree(line));
            }
        }
        return samples;
    }
}
