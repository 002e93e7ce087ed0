package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.ConfigLoader;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Clips;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thermal camera through the whole pipeline with the stand-in thermal model (its temps are the
 * exact max/mean/min of its input, its heat map peaks at the hottest pixel: see
 * make_test_models.py), on a clip written by FFmpeg as a Lepton would record it: apparent
 * temperatures of a surface of emissivity 0.95 in surroundings at 20 degC, 0.01 K a count. The
 * scene: 20 degC, a cold stripe at 12 degC, a Gaussian hotspot (sigma 2 px) centred on pixel (102,
 * 62) whose peak P(t) is 40 degC until 2 s, rises 20 K/s to 100 degC at 5 s, holds, falls to 50 degC
 * between 7 and 8 s and stays there; 9 fps, 10 s. Also: a reload changes temperature rules in place
 * and reopens a changed source as 16-bit.
 */
class ThermalPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int W = 160;
    private static final int H = 120;
    private static final double FPS = 9;
    private static final int FRAMES = 90;
    private static final double E = 0.95;
    private static final double REFLECTED_K = 293.15;
    private static final Path STANDIN = Path.of("src/test/resources/models/thermal_standin.onnx").toAbsolutePath();

    @TempDir
    Path dir;
    private Path clip;
    private Path truth;

    static double peakC(double t) {
        if (t < 2) {
            return 40;
        }
        if (t < 5) {
            return 40 + 20 * (t - 2);
        }
        if (t < 7) {
            return 100;
        }
        return t < 8 ? 100 - 50 * (t - 7) : 50;
    }

    /** The object temperature of pixel (x, y) at t, degC. */
    static double sceneC(int x, int y, double t) {
        double background = y >= 100 && y < 105 ? 12 : 20;
        double r2 = (x - 102) * (x - 102) + (y - 62) * (y - 62);
        return background + (peakC(t) - 20) * Math.exp(-r2 / 8);
    }

    /** Counts of an object temperature as the camera sees it: T_app^4 = e T^4 + (1-e) T_refl^4. */
    static short counts(double objectC) {
        double k = objectC + 273.15;
        double apparentK = Math.pow(E * Math.pow(k, 4) + (1 - E) * Math.pow(REFLECTED_K, 4), 0.25);
        return (short) Math.round(apparentK / 0.01);
    }

    @BeforeEach
    void writeClipAndTruth() throws Exception {
        List<short[]> frames = new ArrayList<>();
        StringBuilder gt = new StringBuilder();
        for (int f = 0; f < FRAMES; f++) {
            double t = f / FPS;
            short[] s = new short[W * H];
            double sum = 0;
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double c = sceneC(x, y, t);
                    s[y * W + x] = counts(c);
                    sum += c;
                }
            }
            frames.add(s);
            gt.append(String.format(Locale.ROOT, "{\"frame\": %d, \"max_c\": %.4f, \"avg_c\": %.4f, \"min_c\": 12.0,"
                    + " \"hotspots\": [{\"x\": 102.5, \"y\": 62.5, \"peak_c\": %.4f}]}%n", f, peakC(t), sum / (W * H),
                    peakC(t)));
        }
        clip = dir.resolve("ir.mkv");
        Clips.writeGray16(clip, W, H, FPS, frames);
        truth = dir.resolve("ir.gt.jsonl");
        Files.writeString(truth, gt);
    }

    private Path config(String model, String source) throws Exception {
        Path file = dir.resolve("linewatch.yaml");
        Files.writeString(file, """
                site: plant1
                cameras:
                  - id: ir
                    source: %s
                    model: thermal
                    pacing: fast
                    thermal: {scale_k_per_count: 0.01, emissivity: 0.95, reflected_c: 20}
                models:
                  thermal:
                    path: %s
                    task: thermal
                temperature_alarms:
                  - name: overheat
                    raise_at_c: 85
                    clear_at_c: 70
                    on_delay_seconds: 0.5
                    off_delay_seconds: 0.5
                  - name: heating-fast
                    zone: [[92, 52], [113, 52], [113, 73], [92, 73]]
                    zone_name: spot
                    rate_of_rise_k_per_min: 600
                    rate_window_seconds: 1
                mqtt: {enabled: false}
                sinks: {event_log: %s, snapshots_dir: %s}
                """.formatted(source, model, dir.resolve("events.jsonl"), dir.resolve("snapshots")));
        return file;
    }

    @Test
    void alarmsRaiseAndClearWhereTheSceneSaysAndEveryFrameIsMeasured() throws Exception {
        Path log = dir.resolve("thermal.jsonl");
        Cli.Result r = Cli.run("replay", "--config", config(STANDIN.toString(), clip.toString()).toString(),
                "--detections", log.toString(), "--ground-truth", truth.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("frames in 90, inferred 90").contains("dropped 0 ");

        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            events.add(JSON.readTree(line));
        }
        List<String> story = events.stream().map(e -> e.get("rule").asText() + " " + e.get("type").asText()).toList();
        assertThat(story).containsExactly("heating-fast raised", "overheat raised", "heating-fast cleared",
                "overheat cleared");

        // overheat: P >= 85 degC from t = 4.25 s, first at frame 39 (4.333 s); held 0.5 s: frame 44
        // (4.889 s, 97.78 degC). P < 70 from 7.6 s, first at frame 69 (7.667 s); held 0.5 s: frame 74.
        JsonNode raised = events.get(1);
        assertThat(raised.get("frame").asLong()).isEqualTo(44);
        assertThat(raised.get("zone").asText()).isEqualTo("frame");
        assertThat(raised.get("value").asDouble()).isCloseTo(peakC(44 / FPS), within(0.05));
        assertThat(raised.get("min").asDouble()).isCloseTo(12.0, within(0.05));
        assertThat(raised.get("hotspot").get(0).asDouble()).isCloseTo(102.5, within(1.5));
        assertThat(raised.get("hotspot").get(1).asDouble()).isCloseTo(62.5, within(1.5));
        assertThat(raised.get("unit").asText()).isEqualTo("celsius");
        assertThat(raised.get("calibration").get("emissivity").asDouble()).isEqualTo(0.95);
        assertThat(events.get(3).get("frame").asLong()).isEqualTo(74);
        assertThat(events.get(3).get("snapshot").isNull()).isTrue();

        // heating-fast: the zone's max rises 1200 K/min from 2 s to 5 s. Over a 1 s window the
        // least-squares slope reaches 600 K/min about half a window into the ramp and falls below it
        // about half a window after the ramp ends.
        JsonNode fast = events.get(0);
        assertThat(fast.get("zone").asText()).isEqualTo("spot");
        assertThat(fast.get("frame").asLong()).isBetween(18L + 2, 18L + 9);
        assertThat(fast.get("rate_k_per_min").asDouble()).isGreaterThanOrEqualTo(600);
        assertThat(fast.get("hotspot").toString()).isEqualTo("[102.5,62.5]");
        assertThat(events.get(2).get("frame").asLong()).isBetween(45L, 45L + 9);

        BufferedImage snapshot = ImageIO.read(Path.of(raised.get("snapshot").asText()).toFile());
        assertThat(snapshot.getHeight()).isEqualTo(480);
        assertThat(snapshot.getWidth()).isGreaterThan(640);

        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(FRAMES);
        JsonNode frame44 = JSON.readTree(lines.get(44));
        assertThat(frame44.get("max_k").asDouble()).isCloseTo(peakC(44 / FPS) + 273.15, within(0.05));
        assertThat(frame44.get("hotspots")).hasSize(1);
        assertThat(frame44.get("hotspots").get(0).get("peak_k").asDouble()).isCloseTo(peakC(44 / FPS) + 273.15,
                within(0.05));

        // The stand-in's temps are exact, so only the counts' quantisation (0.01 K) separates them
        // from the scene; its hotspot is the hottest pixel's heat-map cell, up to 1 px off the centre.
        String accuracy = r.out().lines().filter(l -> l.contains("ground truth (thermal")).findFirst().orElseThrow();
        assertThat(accuracy).contains("90 frames").contains("recall 1.000, precision 1.000");
        double maxMae = Double.parseDouble(accuracy.replaceAll(".*MAE max ([0-9.]+) K.*", "$1"));
        double positionError = Double.parseDouble(accuracy.replaceAll(".*position error mean ([0-9.]+) px.*", "$1"));
        assertThat(maxMae).isLessThan(0.02);
        assertThat(positionError).isLessThan(1.5);
    }

    @Test
    void aReloadChangesTemperatureRulesInPlaceAndReopensAChangedSourceAsSixteenBit() throws Exception {
        Path file = config(STANDIN.toString(), clip.toString());
        String yaml = Files.readString(file).replace("pacing: fast", "pacing: realtime\n    loop: true");
        Files.writeString(file, yaml);
        Pipeline pipeline = Pipeline.start(ConfigLoader.load(file), Pipeline.Options.daemon());
        try {
            CameraStats stats = pipeline.stats().get(0);
            await().atMost(Duration.ofSeconds(30)).until(() -> stats.inferred.get() > 5);

            Files.writeString(file, yaml.replace("raise_at_c: 85", "raise_at_c: 90"));
            Pipeline.Reload rules = pipeline.reload(ConfigLoader.load(file));
            assertThat(rules.restartNeeded()).isFalse();
            assertThat(rules.summary()).isEqualTo("temperature_alarms changed overheat");

            Path other = dir.resolve("other.mkv");
            Files.copy(clip, other);
            Files.writeString(file, yaml.replace("raise_at_c: 85", "raise_at_c: 90").replace(clip.toString(),
                    other.toString()));
            Pipeline.Reload source = pipeline.reload(ConfigLoader.load(file));
            assertThat(source.summary()).isEqualTo("capture restarted for camera(s) [ir]");
            long inferred = stats.inferred.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> stats.inferred.get() > inferred + 5);
            assertThat(stats.failed.get()).as("frames of the reopened source are 16-bit too").isZero();
        } finally {
            pipeline.close();
        }
    }

    @Test
    void anEightBitClipAndAMisshapedModelAreStartErrorsOfOneLine() throws Exception {
        Path eightBit = dir.resolve("bgr.mkv");
        Clips.writeFfv1(eightBit, W, H, 3, new ArrayList<>());
        Cli.Result clipError = Cli.run("replay", "--config",
                config(STANDIN.toString(), eightBit.toString()).toString());
        assertThat(clipError.exitCode()).isEqualTo(1);
        assertThat(clipError.errorLines()).containsExactly("linewatch: error: camera ir: " + eightBit
                + " holds 8-bit bgr0 frames; a thermal camera needs 16-bit gray radiometric frames (gray16le or"
                + " gray16be: FFV1 or raw video, a 16-bit PGM or TIFF sequence), never frames scaled up from fewer"
                + " bits");

        Path noHeatmap = Path.of("src/test/resources/models/thermal_no_heatmap.onnx").toAbsolutePath();
        Cli.Result missing = Cli.run("replay", "--config", config(noHeatmap.toString(), clip.toString()).toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.errorLines()).containsExactly("linewatch: error: model " + noHeatmap + ": no output named"
                + " 'heatmap'; a thermal model needs outputs temps [B,3] and heatmap [B,1,120/s,160/s] (it has temps"
                + " [B,3])");

        Path misshaped = Path.of("src/test/resources/models/thermal_misshaped.onnx").toAbsolutePath();
        Cli.Result shape = Cli.run("replay", "--config", config(misshaped.toString(), clip.toString()).toString());
        assertThat(shape.exitCode()).isEqualTo(1);
        assertThat(shape.errorLines()).containsExactly("linewatch: error: model " + misshaped + ": output 'temps' has"
                + " shape [B,2]; a thermal model needs outputs temps [B,3] and heatmap [B,1,120/s,160/s] (it has temps"
                + " [B,2], heatmap [B,1,60,80])");
    }
}
