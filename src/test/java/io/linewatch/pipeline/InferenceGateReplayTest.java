package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.testing.Cli;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference gate on the shipped clips, through {@code replay} (MQTT off): with the motion gate
 * at its default threshold, the conveyor and motor clips raise and clear the same alarms as without
 * it, each at most {@code max_skip_ms} later; on a conveyor clip that first stands still for 8 s (its
 * first frame held, rendered by FFmpeg here) the gate skips nearly all the still frames and the
 * alarms stay the same; with {@code infer_fps: 12.5} the conveyor infers every other frame, counts
 * the rest as {@code rate} skips, and still raises one alarm per foreign object (at 8 fps it would
 * miss the two that cross fastest: {@code min_hits} counts inferred frames).
 */
class InferenceGateReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SKIPPED = Pattern.compile("skipped (\\d+) \\(rate (\\d+), still (\\d+)\\)");
    private static final Pattern INFERRED = Pattern.compile("frames in (\\d+), inferred (\\d+)");
    private static final String CONVEYOR_CAMERA = "    loop: false\n";
    private static final String MOTOR_CAMERA = "    pacing: realtime\n";

    @TempDir
    Path dir;

    record Run(List<JsonNode> events, long framesIn, long inferred, long skippedRate, long skippedStill) {
    }

    @Test
    void theMotionGateAtItsDefaultLeavesTheConveyorAndMotorAlarmsAsTheyWere() throws Exception {
        Run off = replay(Shipped.EXAMPLE_CONFIG, Shipped.CLIP, "conveyor-off", CONVEYOR_CAMERA, CONVEYOR_CAMERA);
        Run on = replay(Shipped.EXAMPLE_CONFIG, Shipped.CLIP, "conveyor-on", CONVEYOR_CAMERA,
                CONVEYOR_CAMERA + "    motion_gate: {}\n");
        System.out.printf("conveyor: gate off %d inferred; gate on %d inferred, %d still%n", off.inferred(),
                on.inferred(), on.skippedStill());
        assertThat(off.skippedStill()).isZero();
        assertSameAlarms(off, on, 25);

        Run motorOff = replay(Shipped.THERMAL_CONFIG, Shipped.MOTOR_CLIP, "motor-off", MOTOR_CAMERA, MOTOR_CAMERA);
        Run motorOn = replay(Shipped.THERMAL_CONFIG, Shipped.MOTOR_CLIP, "motor-on", MOTOR_CAMERA,
                MOTOR_CAMERA + "    motion_gate: {}\n");
        System.out.printf("motor: gate off %d inferred; gate on %d inferred, %d still%n", motorOff.inferred(),
                motorOn.inferred(), motorOn.skippedStill());
        assertThat(motorOff.events()).as("the motor clip raises alarms").isNotEmpty();
        assertSameAlarms(motorOff, motorOn, 9);
    }

    @Test
    void onAClipThatStandsStillTheGateSkipsTheStillFramesAndKeepsTheAlarms() throws Exception {
        Path idle = dir.resolve("idle-conveyor.mp4");
        // the first frame held for 8 s, then the clip: 200 still frames ahead of the shipped 1000
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-i", Shipped.CLIP.toString(), "-vf",
                "tpad=start_mode=clone:start_duration=8", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18",
                "-pix_fmt", "yuv420p", idle.toString()).inheritIO().start();
        assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).isZero();

        Run off = replay(Shipped.EXAMPLE_CONFIG, idle, "idle-off", CONVEYOR_CAMERA, CONVEYOR_CAMERA);
        Run on = replay(Shipped.EXAMPLE_CONFIG, idle, "idle-on", CONVEYOR_CAMERA,
                CONVEYOR_CAMERA + "    motion_gate: {}\n");
        System.out.printf("idle conveyor: %d frames; gate off %d inferred; gate on %d inferred, %d still%n",
                on.framesIn(), off.inferred(), on.inferred(), on.skippedStill());
        assertThat(off.inferred()).isEqualTo(off.framesIn());
        assertThat(on.framesIn()).isEqualTo(off.framesIn());
        // 200 still frames: one inferred a second (max_skip_ms 1000), the rest skipped
        assertThat(on.skippedStill()).as("still frames skipped").isBetween(185L, 200L + 25);
        assertThat(on.inferred() + on.skippedStill()).isEqualTo(on.framesIn());
        assertSameAlarms(off, on, 25);
    }

    @Test
    void inferFpsInfersEveryOtherFrameAndStillRaisesOneAlarmPerForeignObject() throws Exception {
        Run every = replay(Shipped.EXAMPLE_CONFIG, Shipped.CLIP, "every", CONVEYOR_CAMERA, CONVEYOR_CAMERA);
        Run half = replay(Shipped.EXAMPLE_CONFIG, Shipped.CLIP, "half", CONVEYOR_CAMERA,
                CONVEYOR_CAMERA + "    infer_fps: 12.5\n");
        System.out.printf("conveyor at 12.5 fps: %d of %d frames inferred, %d rate skips%n", half.inferred(),
                half.framesIn(), half.skippedRate());
        assertThat(half.inferred()).isEqualTo(half.framesIn() / 2);
        assertThat(half.skippedRate()).isEqualTo(half.framesIn() - half.inferred());
        List<JsonNode> raisedEvery = raised(every);
        List<JsonNode> raisedHalf = raised(half);
        assertThat(raisedHalf).as("one alarm per foreign object, as at 25 fps").hasSameSizeAs(raisedEvery);
        for (int i = 0; i < raisedEvery.size(); i++) {
            // min_hits 3 counts inferred frames: the third hit comes up to 2 intervals (4 frames) after
            // the 25 fps run's third, plus the wait for the first tick (1 frame)
            long late = raisedHalf.get(i).get("frame").asLong() - raisedEvery.get(i).get("frame").asLong();
            assertThat(late).as("alarm %d raised later at 12.5 fps than at 25 fps, in frames", i).isBetween(0L, 6L);
        }
    }

    private static List<JsonNode> raised(Run run) {
        return run.events().stream().filter(e -> "raised".equals(e.get("type").asText())).toList();
    }

    /** The same alarms in the same order (type, rule, class, track), each at most {@code maxLateFrames} later. */
    private static void assertSameAlarms(Run off, Run on, long maxLateFrames) {
        assertThat(on.events()).hasSameSizeAs(off.events());
        for (int i = 0; i < off.events().size(); i++) {
            JsonNode a = off.events().get(i);
            JsonNode b = on.events().get(i);
            assertThat(key(b)).as("event %d", i).isEqualTo(key(a));
            long late = b.get("frame").asLong() - a.get("frame").asLong();
            assertThat(late).as("event %d (%s) later with the gate, in frames", i, key(a)).isBetween(0L, maxLateFrames);
        }
    }

    private static String key(JsonNode e) {
        return e.get("type").asText() + " " + e.get("rule").asText() + " " + e.path("class").asText() + " "
                + e.path("track").asText();
    }

    private Run replay(Path example, Path clip, String name, String from, String to) throws Exception {
        Path runDir = Files.createDirectories(dir.resolve(name));
        Path config = Shipped.exampleConfigOf(example, runDir, null, from, to);
        Cli.Result r = Cli.run("replay", "--config", config.toString(), clip.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(runDir.resolve("events.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if ("raised".equals(e.path("type").asText()) || "cleared".equals(e.path("type").asText())) {
                events.add(e);
            }
        }
        Matcher in = INFERRED.matcher(r.out());
        assertThat(in.find()).as(r.out()).isTrue();
        Matcher skipped = SKIPPED.matcher(r.out());
        boolean any = skipped.find();
        return new Run(events, Long.parseLong(in.group(1)), Long.parseLong(in.group(2)),
                any ? Long.parseLong(skipped.group(2)) : 0, any ? Long.parseLong(skipped.group(3)) : 0);
    }
}
