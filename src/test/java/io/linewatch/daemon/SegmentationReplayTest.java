package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.ConfigLoader;
import io.linewatch.eval.SegmentationMatch;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Clips;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An inspection camera end to end with the stand-in mask model (src/test/resources/models: pure red
 * marks a scratch, green a stain, blue a dent, yellow a crack): a lossless 384x288 clip of
 * coloured defects moving across a grey surface, with its true masks and ground truth written beside
 * it, replayed through the CLI. The regions, alarms, snapshots and the replay's mask IoU and defect
 * recall are checked against what was drawn.
 */
class SegmentationReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODELS = Path.of("src/test/resources/models").toAbsolutePath();
    private static final int W = 384;
    private static final int H = 288;
    private static final int FRAMES = 60;
    private static final List<String> CLASSES = List.of("scratch", "stain", "dent", "crack");
    private static final int[][] CLASS_BGR = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}, {0, 255, 255}};

    /** A defect drawn on frames {@code [from, to)}, moving right by 3 px a frame from {@code x} at {@code from}. */
    private record Drawn(int classId, int from, int to, int x, int y, int w, int h) {
        int x1(int frame) {
            return x + 3 * (frame - from);
        }

        boolean on(int frame) {
            return frame >= from && frame < to;
        }
    }

    private static final List<Drawn> DEFECTS = List.of(
            new Drawn(0, 10, 25, 60, 100, 40, 6),     // item 1: a scratch, 240 px
            new Drawn(1, 35, 50, 150, 120, 24, 20),   // item 2: a stain, 480 px ...
            new Drawn(3, 35, 50, 40, 230, 60, 4),     // ... and a crack, 240 px
            new Drawn(2, 35, 50, 250, 30, 8, 8));     // ... and a small dent, 64 px

    @TempDir
    Path dir;

    @Test
    void drawnDefectsBecomeRegionsAlarmsAndSnapshotsAndTheReplayScoresTheMasks() throws Exception {
        Path clip = dir.resolve("surface.mkv");
        writeClip(clip);
        Path truth = dir.resolve("surface.gt.jsonl");
        writeTruth(truth, dir.resolve("surface.masks.mkv"));
        Path config = writeConfig("segmentation_standin.onnx");
        Path regions = dir.resolve("regions.jsonl");

        Cli.Result r = Cli.run("replay", "--config", config.toString(), "--no-mqtt", "--detections", regions.toString(),
                "--ground-truth", truth.toString(), clip.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("frames in 60, inferred 60").contains("dropped 0 ");
        assertRegions(regions);
        assertAlarms(Files.readAllLines(dir.resolve("events.jsonl")));
        assertReplayAccuracy(r.out());
        SegmentationMatch.Result m = SegmentationMatch.evaluate(truth, dir.resolve("surface.masks.mkv"), regions,
                "surface", CLASSES);
        assertThat(m.frames()).isEqualTo(FRAMES);
        assertThat(m.defects()).containsExactly(15, 15, 15, 15);
    }

    /** A running inspection lane takes changed defect rules in place; unchanged ones keep their state. */
    @Test
    void defectRulesChangeInPlaceOnReload() throws Exception {
        Path clip = dir.resolve("surface.mkv");
        writeClip(clip);
        Path config = writeConfig("segmentation_standin.onnx");
        String yaml = Files.readString(config).replace("pacing: fast", "pacing: realtime\n    loop: true");
        Files.writeString(config, yaml);
        Pipeline pipeline = Pipeline.start(ConfigLoader.load(config),
                Pipeline.Options.daemon());
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> pipeline.stats().get(0).inferred.get() > 5);
            Files.writeString(config, yaml.replace("{name: stained, class: stain, raise_frames: 2",
                    "{name: stained, class: stain, raise_frames: 3"));
            Pipeline.Reload r = pipeline.reload(ConfigLoader.load(config));
            assertThat(r.restartNeeded()).isFalse();
            assertThat(r.summary()).isEqualTo("defect_alarms changed stained");
            long inferred = pipeline.stats().get(0).inferred.get();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> pipeline.stats().get(0).inferred.get() > inferred + 5);
        } finally {
            pipeline.close();
        }
    }

    /** A mask model whose output does not fit the config or its input: one line naming it, exit 1, nothing run. */
    @Test
    void maskModelsWithAnUnexpectedOutputAreRefusedWithOneLine() throws Exception {
        Path clip = dir.resolve("surface.mkv");
        writeClip(clip);
        String expected = "expected mask[B,4,192,256] (4 classes [scratch, stain, dent, crack], input 256x192)";
        assertRefused("mask_three_classes.onnx", "a mask model with an unexpected output shape: mask[B,3,192,256], "
                + expected);
        assertRefused("mask_half_size.onnx", "a mask model with an unexpected output shape: mask[B,4,96,128], "
                + expected);
        assertRefused("mask_misnamed.onnx", "a mask model needs an output named 'mask' [B, classes, height, width];"
                + " its outputs are [output0[B,4,192,256]]");
    }

    private void assertRefused(String model, String why) throws Exception {
        Cli.Result r = Cli.run("replay", "--config", writeConfig(model).toString(), "--no-mqtt");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errorLines()).containsExactly("linewatch: error: model " + MODELS.resolve(model) + ": " + why);
        assertThat(dir.resolve("events.jsonl")).satisfiesAnyOf(
                f -> assertThat(f).doesNotExist(), f -> assertThat(f).isEmptyFile());
    }

    /** Every frame's regions: each drawn defect once, of its class, box within a pixel, area within 15%. */
    private static void assertRegions(Path regions) throws Exception {
        List<String> lines = Files.readAllLines(regions);
        assertThat(lines).hasSize(FRAMES);
        for (String line : lines) {
            JsonNode frame = JSON.readTree(line);
            int n = frame.get("frame").asInt();
            List<Drawn> expected = DEFECTS.stream().filter(d -> d.on(n)).toList();
            assertThat(frame.get("regions")).as("frame %d", n).hasSize(expected.size());
            for (Drawn d : expected) {
                JsonNode found = null;
                for (JsonNode region : frame.get("regions")) {
                    if (region.get("class").asText().equals(CLASSES.get(d.classId()))) {
                        found = region;
                    }
                }
                assertThat(found).as("frame %d: a %s", n, CLASSES.get(d.classId())).isNotNull();
                JsonNode box = found.get("box");
                assertThat(box.get(0).asDouble()).isCloseTo(d.x1(n), within(1.6));
                assertThat(box.get(1).asDouble()).isCloseTo(d.y(), within(1.6));
                assertThat(box.get(2).asDouble()).isCloseTo(d.x1(n) + d.w(), within(1.6));
                assertThat(box.get(3).asDouble()).isCloseTo(d.y() + d.h(), within(1.6));
                double area = d.w() * d.h();
                assertThat(found.get("area_px").asDouble()).isCloseTo(area, within(area * 0.15));
                // 0.5 mm a pixel: a quarter of a square millimetre per pixel
                assertThat(found.get("area_mm2").asDouble()).isCloseTo(found.get("area_px").asDouble() * 0.25,
                        within(0.05));
                assertThat(found.get("mean_probability").asDouble()).isGreaterThan(0.5);
            }
        }
    }

    /**
     * The scratch rule raises once while item 1 passes (after its 2 frames in a row) and clears 3
     * frames after it has gone, the stain rule likewise for item 2; the any-class rule with its
     * 35 mm^2 minimum raises for both items, counting every defect but the 16 mm^2 dent; nothing
     * raises on the clean surface.
     */
    private void assertAlarms(List<String> lines) throws Exception {
        List<String> seen = new ArrayList<>();
        for (String line : lines) {
            JsonNode e = JSON.readTree(line);
            seen.add(e.get("rule").asText() + " " + e.get("type").asText() + "@" + e.get("frame").asInt());
            assertThat(e.get("task").asText()).isEqualTo("segmentation");
            if (e.get("type").asText().equals("raised")) {
                assertThat(e.get("count").asInt()).isEqualTo(e.get("regions").size()).isPositive();
                assertSnapshot(e);
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(
                "scratched raised@11", "scratched cleared@27",
                "big-defects raised@11", "big-defects cleared@27",
                "big-defects raised@36", "big-defects cleared@52",
                "stained raised@36", "stained cleared@52");
        JsonNode stained = lines.stream().map(SegmentationReplayTest::json)
                .filter(e -> e.get("rule").asText().equals("stained") && e.get("type").asText().equals("raised"))
                .findFirst().orElseThrow();
        assertThat(stained.get("class").asText()).isEqualTo("stain");
        assertThat(stained.get("regions")).hasSize(1);
        assertThat(stained.get("regions").get(0).get("class").asText()).isEqualTo("stain");
        assertThat(stained.get("regions").get(0).get("area_mm2").asDouble()).isCloseTo(120, within(18.0));
        JsonNode big = lines.stream().map(SegmentationReplayTest::json)
                .filter(e -> e.get("rule").asText().equals("big-defects") && e.get("frame").asInt() == 36)
                .findFirst().orElseThrow();
        assertThat(big.get("class").isNull()).isTrue();
        assertThat(big.get("count").asInt()).isEqualTo(2);
        assertThat(big.get("regions")).extracting(x -> x.get("class").asText()).containsExactly("stain", "crack");
    }

    /** The snapshot: the source frame's size, the mask blended in the class colour over the defect only. */
    private static void assertSnapshot(JsonNode e) throws Exception {
        Path file = Path.of(e.get("snapshot").asText());
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(W);
        assertThat(image.getHeight()).isEqualTo(H);
        int frame = e.get("frame").asInt();
        Drawn stain = DEFECTS.get(1);
        if (stain.on(frame)) {
            // green (0,255,0) blended 45% with the stain colour (230,60,230): about (104,167,104)
            int rgb = image.getRGB(stain.x1(frame) + stain.w() / 2, stain.y() + stain.h() / 2);
            assertThat(new int[] {rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff})
                    .satisfies(c -> assertThat(c[0]).isBetween(80, 130))
                    .satisfies(c -> assertThat(c[1]).isBetween(140, 195))
                    .satisfies(c -> assertThat(c[2]).isBetween(80, 130));
        }
        int background = image.getRGB(W - 20, H / 2); // no defect ever passes there
        assertThat(background >> 8 & 0xff).isBetween(115, 141);
    }

    private static void assertReplayAccuracy(String out) {
        Matcher m = Pattern.compile("mask IoU ([0-9.]+) \\(scratch ([0-9.]+), stain ([0-9.]+), dent ([0-9.]+),"
                + " crack ([0-9.]+)\\), defect recall ([0-9.]+) \\(60 of 60").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThan(0.85);
        for (int c = 2; c <= 5; c++) {
            assertThat(Double.parseDouble(m.group(c))).isGreaterThan(0.7);
        }
        assertThat(Double.parseDouble(m.group(6))).isEqualTo(1.0);
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Path writeConfig(String model) throws Exception {
        Path file = dir.resolve("inspection.yaml");
        Files.writeString(file, String.format(Locale.ROOT, """
                site: plant1
                cameras:
                  - id: surface
                    source: surface.mkv
                    model: defects
                    pacing: fast
                    inspection: {mm_per_pixel: 0.5}
                models:
                  defects:
                    path: %s
                    task: segmentation
                    classes: [scratch, stain, dent, crack]
                    batch_size: 4
                    segmentation: {threshold: 0.5, min_area_px: 8, max_regions: 8}
                defect_alarms:
                  - {name: scratched, class: scratch, raise_frames: 2, clear_frames: 3}
                  - {name: stained, class: stain, raise_frames: 2, clear_frames: 3}
                  - {name: big-defects, min_area_mm2: 35, raise_frames: 2, clear_frames: 3}
                mqtt: {enabled: false}
                sinks: {event_log: %s, snapshots_dir: %s}
                """, MODELS.resolve(model), dir.resolve("events.jsonl"), dir.resolve("snapshots")));
        return file;
    }

    /** Grey surface (128) with each defect a solid rectangle of its class colour; FFV1, lossless, 10 fps. */
    private static void writeClip(Path file) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), W, H)) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_BGR0);
            recorder.setFrameRate(10);
            recorder.start();
            for (int n = 0; n < FRAMES; n++) {
                Frame frame = Clips.frame(W, H, Frame.DEPTH_UBYTE, 3);
                ByteBuffer buf = (ByteBuffer) frame.image[0];
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        int at = y * frame.imageStride + x * 3;
                        int c = classAt(n, x, y);
                        for (int k = 0; k < 3; k++) {
                            buf.put(at + k, (byte) (c < 0 ? 128 : CLASS_BGR[c][k]));
                        }
                    }
                }
                recorder.record(frame);
            }
        }
    }

    /** The true masks (gray FFV1, 1 + class index) and one ground-truth line per frame. */
    private static void writeTruth(Path truth, Path masks) throws Exception {
        List<String> lines = new ArrayList<>();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(masks.toFile(), W, H)) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
            recorder.setFrameRate(10);
            recorder.start();
            for (int n = 0; n < FRAMES; n++) {
                Frame frame = Clips.frame(W, H, Frame.DEPTH_UBYTE, 1);
                ByteBuffer buf = (ByteBuffer) frame.image[0];
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        buf.put(y * frame.imageStride + x, (byte) (classAt(n, x, y) + 1));
                    }
                }
                recorder.record(frame);
                lines.add(truthLine(n));
            }
        }
        Files.write(truth, lines);
    }

    private static String truthLine(int n) {
        StringBuilder defects = new StringBuilder();
        for (Drawn d : DEFECTS) {
            if (d.on(n)) {
                defects.append(defects.length() == 0 ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"class\":\"%s\",\"box\":[%d,%d,%d,%d],\"area_px\":%d}", CLASSES.get(d.classId()), d.x1(n),
                        d.y(), d.x1(n) + d.w(), d.y() + d.h(), d.w() * d.h()));
            }
        }
        String item = n >= 10 && n < 25 ? "1" : n >= 35 && n < 50 ? "2" : "null";
        return "{\"frame\":" + n + ",\"item\":" + item + ",\"defects\":[" + defects + "]}";
    }

    private static int classAt(int frame, int x, int y) {
        for (Drawn d : DEFECTS) {
            if (d.on(frame) && x >= d.x1(frame) && x < d.x1(frame) + d.w() && y >= d.y() && y < d.y() + d.h()) {
                return d.classId();
            }
        }
        return -1;
    }
}
