package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evidence clips against the shipped clips, checked with the FFmpeg command line: every raised event
 * and every new object names a clip that exists (an object's alarm extends the object's clip), starts at most one GOP before pre_seconds ahead of the event, lasts
 * through post_seconds (or the source's end), holds the source's own packets byte for byte, and is
 * followed by a clip message on MQTT and in the log, with a sidecar of every frame's results; thermal
 * clips keep their 16-bit counts, and their export draws the sidecar's hotspots; inspection clips'
 * sidecars hold the defects' masks, and their export burns them in; the disk budget holds while every
 * alarm still goes out, and so does every alarm when the clips folder cannot be written.
 */
@Tag("broker")
class ClipReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double PRE = 3.0;
    private static final double POST = 2.0;
    private static final Schema FRAMES_SCHEMA = frameSchema();
    private static final String TRACKER_MIN_HITS =
            "      min_hits: 3                        # matched frames before a track is confirmed and gets its id";

    @TempDir
    Path dir;

    /** One packet as ffprobe sees it. */
    record Pkt(double pts, boolean key, String hash) {
    }

    @Test
    void everyRaisedAlarmAndNewObjectOfTheConveyorHasAClipOfTheSourcesOwnPackets() throws Exception {
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
             MqttCollector subscriber = new MqttCollector(broker.url(), "linewatch/+/+/+/events");
             MqttCollector objects = new MqttCollector(broker.url(), "linewatch/+/+/+/objects")) {
            Path config = Shipped.exampleConfig(dir, broker.url(), "snapshots_dir: " + dir.resolve("snapshots"),
                    "snapshots_dir: " + dir.resolve("snapshots") + clips(dir.resolve("clips"), 1L << 30),
                    TRACKER_MIN_HITS, TRACKER_MIN_HITS + "\n      events: [foreign_object]");
            Path detections = dir.resolve("detections.jsonl");
            Cli.Result r = Cli.run("replay", "--config", config.toString(), "--detections", detections.toString(),
                    Shipped.CLIP.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();

            List<JsonNode> events = read(dir.resolve("events.jsonl"));
            Map<Long, JsonNode> detectionsByFrame = new HashMap<>();
            for (JsonNode line : read(detections)) {
                detectionsByFrame.put(line.get("frame").asLong(), line.get("detections"));
            }
            List<JsonNode> raised = ofType(events, "raised");
            List<JsonNode> clipMessages = ofType(events, "clip");
            assertThat(raised).hasSizeGreaterThanOrEqualTo(5);
            await().atMost(Duration.ofSeconds(10)).until(() -> objects.payloads().size() >= raised.size());
            List<JsonNode> fresh = new ArrayList<>();
            for (String payload : objects.payloads().stream().distinct().toList()) {
                JsonNode m = JSON.readTree(payload);
                if (m.get("type").asText().equals("new")) {
                    fresh.add(m);
                }
            }
            assertThat(fresh).as("new foreign objects").hasSizeGreaterThanOrEqualTo(5);
            List<Pkt> source = packets(Shipped.CLIP);
            double gop = longestGop(source);
            List<Double> framePts = source.stream().map(Pkt::pts).sorted().toList();
            double sourceEnd = framePts.get(framePts.size() - 1);
            // A clip is opened by the first event it serves; the later ones (overlapping) extend it.
            Map<String, Double> firstEventPts = new HashMap<>();
            List<JsonNode> served = new ArrayList<>(raised);
            served.addAll(fresh);
            for (JsonNode e : served) {
                assertThat(e.get("clip").isObject()).as("clip of %s", e).isTrue();
                firstEventPts.merge(e.get("clip").get("path").asText(), framePts.get(e.get("frame").asInt()),
                        Math::min);
            }
            for (JsonNode e : served) {
                Path clip = Path.of(e.get("clip").get("path").asText());
                assertThat(clip).as("clip of %s", e).exists().hasExtension("mp4");
                List<Pkt> got = packets(clip);
                int at = Collections.indexOfSubList(source.stream().map(Pkt::hash).toList(),
                        got.stream().map(Pkt::hash).toList());
                assertThat(at).as("clip %s: its packets, byte for byte, are a run of the source's", clip)
                        .isGreaterThanOrEqualTo(0);
                assertThat(got.get(0).key()).isTrue();
                double eventPts = framePts.get(e.get("frame").asInt());
                double opened = firstEventPts.get(clip.toString());
                double first = source.get(at).pts();
                assertThat(first).as("clip %s starts (s)", clip).isLessThanOrEqualTo(eventPts - PRE + 1e-6)
                        .isGreaterThanOrEqualTo(Math.max(0, opened - PRE - gop));
                double last = source.subList(at, at + got.size()).stream().mapToDouble(Pkt::pts).max().orElseThrow();
                assertThat(last).as("clip %s ends (s)", clip).isGreaterThanOrEqualTo(Math.min(eventPts + POST,
                        sourceEnd) - 0.041);
                checkSidecar(clip, e.get("id").asText(), detectionsByFrame);
                assertThat(clipMessages).as("clip message of %s", e.get("id"))
                        .anyMatch(m -> m.get("event_id").asText().equals(e.get("id").asText())
                                && m.get("clip").get("path").asText().equals(clip.toString()));
            }
            for (JsonNode alarm : raised) {
                JsonNode object = fresh.stream().filter(o -> o.get("track").asInt() == alarm.get("track").asInt())
                        .findFirst().orElseThrow();
                assertThat(alarm.get("clip").get("path")).as("the alarm of object %s extends the object's clip",
                        object.get("id")).isEqualTo(object.get("clip").get("path"));
            }
            assertThat(firstEventPts).as("one clip per stretch of overlapping events").hasSizeLessThan(served.size());
            List<String> logged = Files.readAllLines(dir.resolve("events.jsonl"));
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.distinctPayloads().size() >= logged.size());
            assertThat(subscriber.distinctPayloads()).containsExactlyInAnyOrderElementsOf(logged);
        }
    }

    @Test
    void thermalClipsKeepTheSourcesCountsFrameForFrame() throws Exception {
        Path config = Shipped.exampleConfigOf(Shipped.THERMAL_CONFIG, dir, null,
                "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + clips(dir.resolve("clips"), 1L << 30));
        Cli.Result r = Cli.run("replay", "--config", config.toString(), Shipped.MOTOR_CLIP.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> raised = ofType(read(dir.resolve("events.jsonl")), "raised");
        assertThat(raised).isNotEmpty();
        List<String> sourceFrames = frameHashes(Shipped.MOTOR_CLIP);
        for (JsonNode e : raised) {
            Path clip = Path.of(e.get("clip").get("path").asText());
            assertThat(clip).exists().hasExtension("mkv");
            assertThat(ffprobe(clip, "-select_streams", "v", "-show_entries", "stream=codec_name,pix_fmt", "-of",
                    "csv=p=0").strip()).isEqualTo("ffv1,gray16le");
            List<String> clipFrames = frameHashes(clip);
            assertThat(clipFrames).hasSizeGreaterThan((int) (PRE * 9));
            assertThat(Collections.indexOfSubList(sourceFrames, clipFrames)).as("clip %s: its gray16le frames are a"
                    + " run of the source's", clip).isGreaterThanOrEqualTo(0);
            JsonNode sidecar = JSON.readTree(sidecarOf(clip).toFile());
            assertThat(FRAMES_SCHEMA.validate(sidecar)).as("sidecar of %s", clip).isEmpty();
            assertThat(sidecar.get("frames")).as("sidecar of %s: a frame per frame of the clip", clip)
                    .hasSize(clipFrames.size()).allMatch(f -> f.get("max_k").isNumber() && f.has("hotspots"));
        }
        JsonNode first = raised.get(0);
        Path exported = dir.resolve("thermal-overlay.mkv");
        Cli.Result export = Cli.run("export-clip", "--clips", dir.resolve("clips").toString(), "--codec", "ffv1",
                "--out", exported.toString(), first.get("id").asText());
        assertThat(export.exitCode()).as(export.err()).isZero();
        JsonNode frame0 = JSON.readTree(sidecarOf(Path.of(first.get("clip").get("path").asText())).toFile())
                .get("frames").get(0);
        JsonNode hotspot = frame0.get("hotspots").get(0);
        int x = (int) Math.round(hotspot.get("x").asDouble()) + 5;
        int y = (int) Math.round(hotspot.get("y").asDouble());
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", exported.toString(), "-frames:v", "1", "-vf",
                "crop=3:3:" + (x - 1) + ":" + (y - 1), "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] rgb = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(rgb).hasSize(27);
        boolean ring = false;
        for (int i = 0; i < rgb.length; i += 3) {
            ring |= (rgb[i] & 0xff) == ClipExport.HOTSPOT.getRed() && (rgb[i + 1] & 0xff) == ClipExport.HOTSPOT.getGreen()
                    && (rgb[i + 2] & 0xff) == ClipExport.HOTSPOT.getBlue();
        }
        assertThat(ring).as("the hotspot's ring around (%d, %d) in the exported first frame (lossless FFV1)", x, y)
                .isTrue();
    }

    @Test
    void theDiskBudgetHoldsAndEveryAlarmStillGoesOut() throws Exception {
        long budget = 1_000_000;
        Path clipsDir = dir.resolve("clips");
        Path config = Shipped.exampleConfig(dir, null, "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + clips(clipsDir, budget));
        Cli.Result r = Cli.run("replay", "--config", config.toString(), Shipped.CLIP.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> events = read(dir.resolve("events.jsonl"));
        List<JsonNode> raised = ofType(events, "raised");
        List<JsonNode> done = ofType(events, "clip");
        assertThat(raised).hasSizeGreaterThanOrEqualTo(5);
        assertThat(done).hasSameSizeAs(raised).allMatch(m -> m.get("clip").get("bytes").asLong() > 0);
        long total;
        try (Stream<Path> s = Files.walk(clipsDir)) {
            total = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        long written = done.stream().mapToLong(m -> m.get("clip").get("bytes").asLong()).sum();
        assertThat(written).as("the run wrote more than the budget").isGreaterThan(budget);
        assertThat(total).as("bytes left in %s", clipsDir).isLessThanOrEqualTo(budget);
        assertThat(Path.of(done.get(done.size() - 1).get("clip").get("path").asText())).exists();
    }

    /**
     * An inspection camera's clips (the shipped clip's first 70 frames: a scratch and a stain): at each raised defect
     * alarm's frame, the sidecar holds the defect's mask as runs that decode to about the event's
     * region area (within 15%: the runs are the mask read back at source pixels, the area is counted
     * at the model's) and lie in the region's box; export-clip (lossless FFV1) burns the mask in: the
     * exported frame differs from the clip's where the mask is, and hardly anywhere else.
     */
    @Test
    void inspectionClipsCarryTheDefectMasksAndTheExportBurnsThemIn() throws Exception {
        Path source = firstFrames(Shipped.INSPECTION_CLIP, 70, dir.resolve("inspection-70.mp4"));
        Path clipsDir = dir.resolve("clips");
        Path config = Shipped.exampleConfigOf(Shipped.INSPECTION_CONFIG, dir, null,
                "snapshots_dir: " + dir.resolve("snapshots"),
                "snapshots_dir: " + dir.resolve("snapshots") + clips(clipsDir, 1L << 30),
                "pacing: realtime ", "pacing: fast ");
        Cli.Result r = Cli.run("replay", "--config", config.toString(), source.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> raised = ofType(read(dir.resolve("events.jsonl")), "raised");
        assertThat(raised).as("defect alarms in the first 70 frames").extracting(e -> e.get("rule").asText())
                .contains("scratch", "stain");
        for (JsonNode e : raised) {
            Path clip = Path.of(e.get("clip").get("path").asText());
            JsonNode sidecar = JSON.readTree(sidecarOf(clip).toFile());
            assertThat(FRAMES_SCHEMA.validate(sidecar)).as("sidecar of %s", clip).isEmpty();
            JsonNode frame = frameOf(sidecar, e.get("frame").asLong());
            List<JsonNode> regions = new ArrayList<>();
            e.get("regions").forEach(g -> regions.add(g));
            regions.removeIf(g -> !g.get("class").equals(e.get("class")));
            double area = regions.stream().mapToDouble(g -> g.get("area_px").asDouble()).sum();
            boolean[] mask = mask(frame.get("mask"), e.get("class").asText());
            int width = frame.get("mask").get("size").get(0).asInt();
            int pixels = 0;
            int inBoxes = 0;
            for (int i = 0; i < mask.length; i++) {
                if (mask[i]) {
                    pixels++;
                    int x = i % width;
                    int y = i / width;
                    inBoxes += regions.stream().anyMatch(g -> inside(g.get("box"), x, y, 0)) ? 1 : 0;
                }
            }
            assertThat((double) pixels).as("%s's mask at frame %s against its region area", e.get("rule"),
                    e.get("frame")).isCloseTo(area, org.assertj.core.data.Percentage.withPercentage(15));
            assertThat(inBoxes).as("mask pixels in the region's box").isGreaterThanOrEqualTo((int) (0.9 * pixels));
        }

        JsonNode first = raised.get(0);
        Path clip = Path.of(first.get("clip").get("path").asText());
        Path exported = dir.resolve("inspection-overlay.mkv");
        Cli.Result export = Cli.run("export-clip", "--clips", clipsDir.toString(), "--codec", "ffv1", "--out",
                exported.toString(), first.get("id").asText());
        assertThat(export.exitCode()).as(export.err()).isZero();
        JsonNode frame = frameOf(JSON.readTree(sidecarOf(clip).toFile()), first.get("frame").asLong());
        int index = ClipExportTest.indexOf(frameTimes(clip), frame.get("t").asDouble());
        assertThat(index).as("the alarm's frame in %s", clip).isNotNegative();
        byte[] before = ClipExportTest.frame(clip, index);
        byte[] after = ClipExportTest.frame(exported, index);
        boolean[] mask = mask(frame.get("mask"), first.get("class").asText());
        assertThat(after).hasSameSizeAs(before).hasSize(mask.length * 3);
        int[] changed = new int[2];
        int[] total = new int[2];
        for (int i = 0; i < mask.length; i++) {
            int diff = 0;
            for (int ch = 0; ch < 3; ch++) {
                diff += Math.abs((before[3 * i + ch] & 0xff) - (after[3 * i + ch] & 0xff));
            }
            int where = mask[i] ? 1 : 0;
            total[where]++;
            changed[where] += diff > 30 ? 1 : 0;
        }
        assertThat(changed[1]).as("mask pixels tinted in the export (of %d)", total[1])
                .isGreaterThanOrEqualTo((int) (0.9 * total[1]));
        assertThat(changed[0]).as("other pixels changed (the region's box and label; of %d)", total[0])
                .isLessThanOrEqualTo((int) (0.05 * total[0]));
    }

    /** The sidecar's entry of source frame {@code number}. */
    private static JsonNode frameOf(JsonNode sidecar, long number) {
        for (JsonNode f : sidecar.get("frames")) {
            if (f.get("frame").asLong() == number) {
                return f;
            }
        }
        throw new AssertionError("no frame " + number + " in the sidecar of " + sidecar.get("clip"));
    }

    /** A sidecar mask's runs of {@code className} (start, length pairs of row-major pixel indexes), decoded. */
    private static boolean[] mask(JsonNode mask, String className) {
        boolean[] on = new boolean[mask.get("size").get(0).asInt() * mask.get("size").get(1).asInt()];
        JsonNode runs = mask.get("runs").get(className);
        for (int i = 0; i + 1 < runs.size(); i += 2) {
            java.util.Arrays.fill(on, runs.get(i).asInt(), runs.get(i).asInt() + runs.get(i + 1).asInt(), true);
        }
        return on;
    }

    /** Whether the centre of pixel (x, y) lies in {@code box} ({@code [x1, y1, x2, y2]}) grown by {@code margin}. */
    private static boolean inside(JsonNode box, int x, int y, double margin) {
        return x + 0.5 >= box.get(0).asDouble() - margin && x + 0.5 <= box.get(2).asDouble() + margin
                && y + 0.5 >= box.get(1).asDouble() - margin && y + 0.5 <= box.get(3).asDouble() + margin;
    }

    /**
     * A clips folder that cannot be written (here a file where the camera's folder goes; a full disk
     * fails the same way) costs the clips, never the alarms: every raised alarm still reaches the
     * broker and the event log, and its clip message says, with no path, which folder failed and why.
     */
    @Test
    void aClipFolderThatCannotBeWrittenCostsTheClipNeverTheAlarm() throws Exception {
        Path clipsDir = Files.createDirectories(dir.resolve("clips"));
        Path blocked = clipsDir.resolve("conveyor");
        Files.writeString(blocked, "not a folder");
        String err = replayWithClipsFailing(clipsDir, blocked + ": exists and is not a folder");
        assertThat(err).doesNotContain("clips: cannot open");
        assertThat(blocked).isRegularFile().hasContent("not a folder");
    }

    /**
     * A clips folder that cannot even be opened at start (a file where it goes) costs the clips, never
     * the start: one line says so, the daemon runs, and every alarm comes with its clip message's reason.
     */
    @Test
    void aClipsFolderThatCannotBeOpenedAtStartCostsTheClipsNeverTheStart() throws Exception {
        Path clipsDir = dir.resolve("clips");
        Files.writeString(clipsDir, "not a folder");
        String err = replayWithClipsFailing(clipsDir, clipsDir.resolve("conveyor") + ": Not a directory");
        assertThat(err).containsOnlyOnce("clips: cannot open " + clipsDir + ": " + clipsDir
                + ": exists and is not a folder; the alarms go on without clips");
        assertThat(clipsDir).isRegularFile().hasContent("not a folder");
    }

    /**
     * Replays 300 frames with clips into {@code clipsDir}, which cannot be written: every raised alarm
     * still reaches the broker and the event log, and its clip message says, with no path, why
     * ({@code error}'s start); returns the run's standard error.
     */
    private String replayWithClipsFailing(Path clipsDir, String error) throws Exception {
        Path source = firstFrames(Shipped.CLIP, 300, dir.resolve("conveyor-300.mp4"));
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
             MqttCollector subscriber = new MqttCollector(broker.url(), "linewatch/+/+/+/events")) {
            Path config = Shipped.exampleConfig(dir, broker.url(), "snapshots_dir: " + dir.resolve("snapshots"),
                    "snapshots_dir: " + dir.resolve("snapshots") + clips(clipsDir, 1L << 30),
                    "pacing: realtime ", "pacing: fast ");
            Cli.Result r = Cli.run("replay", "--config", config.toString(), source.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();

            List<JsonNode> events = read(dir.resolve("events.jsonl"));
            List<JsonNode> raised = ofType(events, "raised");
            List<JsonNode> clipMessages = ofType(events, "clip");
            assertThat(raised).as("alarms in the first 300 frames").isNotEmpty();
            for (JsonNode alarm : raised) {
                JsonNode m = clipMessages.stream().filter(c -> c.get("event_id").equals(alarm.get("id"))).findFirst()
                        .orElseThrow(() -> new AssertionError("no clip message of " + alarm));
                assertThat(m.get("clip").get("path").isNull()).as("%s", m).isTrue();
                assertThat(m.get("clip").get("error").asText()).as("%s", m).startsWith(error);
                assertThat(Files.exists(Path.of(alarm.get("clip").get("path").asText()))).as("%s", alarm).isFalse();
            }
            assertThat(r.err()).contains("clip " + raised.get(0).get("clip").get("path").asText()
                    + " not written (the event stands without it): " + error);
            List<String> logged = Files.readAllLines(dir.resolve("events.jsonl"));
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.distinctPayloads().size() >= logged.size());
            assertThat(subscriber.distinctPayloads()).as("the broker got every alarm and clip message the log has")
                    .containsExactlyInAnyOrderElementsOf(logged);
            return r.err();
        }
    }

    /** The first {@code frames} frames of {@code source}, its packets copied into {@code out}. */
    static Path firstFrames(Path source, int frames, Path out) throws Exception {
        run("ffmpeg", "-v", "error", "-i", source.toString(), "-frames:v", String.valueOf(frames), "-c", "copy",
                out.toString());
        return out;
    }

    /**
     * The clip's sidecar follows its schema, names the event, and holds the results of the clip's
     * frames: each entry at the time of one of the clip's frames (seconds from its first), with the
     * detections (boxes, scores, track ids) the detections log has for that frame; every frame of the
     * clip has one, but for the few B-frames past the clip's end that decode order pulled in.
     */
    private static void checkSidecar(Path clip, String eventId, Map<Long, JsonNode> detectionsByFrame)
            throws Exception {
        String name = clip.getFileName().toString();
        Path sidecar = sidecarOf(clip);
        assertThat(sidecar).as("sidecar of %s", clip).exists();
        JsonNode doc = JSON.readTree(sidecar.toFile());
        assertThat(FRAMES_SCHEMA.validate(doc)).as("%s against docs/schema/clip-frames.v1.json", sidecar).isEmpty();
        assertThat(doc.get("clip").asText()).isEqualTo(name);
        assertThat(doc.get("events")).extracting(JsonNode::asText).contains(eventId);
        List<Double> clipTimes = frameTimes(clip);
        JsonNode frames = doc.get("frames");
        int withDetections = 0;
        for (JsonNode f : frames) {
            double t = f.get("t").asDouble();
            assertThat(clipTimes).as("%s: a frame of the clip at t=%s", sidecar, t)
                    .anyMatch(c -> Math.abs(c - t) < 0.001);
            assertThat(f.get("detections")).as("%s frame %s", sidecar, f.get("frame"))
                    .isEqualTo(detectionsByFrame.get(f.get("frame").asLong()));
            withDetections += f.get("detections").isEmpty() ? 0 : 1;
        }
        assertThat(frames.size()).as("%s: entries against the clip's %d frames", sidecar, clipTimes.size())
                .isLessThanOrEqualTo(clipTimes.size()).isGreaterThanOrEqualTo(clipTimes.size() - 3);
        assertThat(withDetections).as("%s: frames with boxes", sidecar).isPositive();
    }

    static Path sidecarOf(Path clip) {
        String name = clip.getFileName().toString();
        return clip.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".frames.json");
    }

    /** Each decoded frame's time, seconds from the first, in presentation order. */
    static List<Double> frameTimes(Path file) throws Exception {
        String csv = ffprobe(file, "-select_streams", "v", "-show_frames", "-show_entries", "frame=pts_time", "-of",
                "csv=p=0");
        List<Double> t = csv.lines().map(l -> l.split(",")[0].strip()).filter(l -> !l.isEmpty())
                .map(Double::parseDouble).sorted().toList();
        return t.stream().map(x -> x - t.get(0)).toList();
    }

    private static String clips(Path clipsDir, long maxBytes) {
        return "\n  clips:\n    enabled: true\n    dir: " + clipsDir + "\n    pre_seconds: " + PRE
                + "\n    post_seconds: " + POST + "\n    max_bytes: " + maxBytes;
    }

    private static Schema frameSchema() {
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(JSON.readTree(Path.of("docs/schema/clip-frames.v1.json").toFile()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<JsonNode> read(Path log) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
    }

    /** Packets in decode order with their pts (s), key flag and CRC-32 of their data. */
    static List<Pkt> packets(Path file) throws Exception {
        String csv = ffprobe(file, "-select_streams", "v", "-show_packets", "-show_data_hash", "crc32",
                "-show_entries", "packet=pts_time,flags,data_hash", "-of", "csv=p=0");
        List<Pkt> out = new ArrayList<>();
        for (String line : csv.strip().split("\n")) {
            String[] f = line.split(",");
            out.add(new Pkt(Double.parseDouble(f[0]), f[1].startsWith("K"), f[2]));
        }
        return out;
    }

    private static double longestGop(List<Pkt> packets) {
        double longest = 0;
        double lastKey = 0;
        for (Pkt p : packets) {
            if (p.key()) {
                longest = Math.max(longest, p.pts() - lastKey);
                lastKey = p.pts();
            }
        }
        return longest;
    }

    /** Each decoded frame's MD5 as 16-bit little-endian gray. */
    static List<String> frameHashes(Path file) throws Exception {
        String out = run("ffmpeg", "-v", "error", "-i", file.toString(), "-map", "0:v", "-pix_fmt", "gray16le",
                "-f", "framemd5", "-");
        return out.lines().filter(l -> !l.startsWith("#")).map(l -> l.substring(l.lastIndexOf(',') + 1).strip())
                .toList();
    }

    static String ffprobe(Path file, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        cmd.addAll(List.of(args));
        cmd.add(file.toString());
        return run(cmd.toArray(String[]::new));
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s", String.join(" ", cmd)).isZero();
        return out;
    }
}
