package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command (without the real-time pacing): the demo runs the four tasks of the
 * shipped plant config in one pipeline, every alarm logged reaches its MQTT subscriber, object
 * events and counts are printed, the inspection camera's twelve part verdicts are logged, received
 * and printed (eight nok), every change of the reactor's sight-glass states is received on its
 * retained region topic and printed, and each task's accuracy against its clip's ground truth meets
 * the shipped model's goal (for the classifier: accuracy, per-state recall, confusion matrix and the
 * CAM check, as its model card states them).
 */
class DemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theDemoShowsTheFourTasksWithTheirAccuracy() throws Exception {
        Cli.Result r = Cli.run("demo", "--fast", "--out", dir.toString());
        assertThat(r.exitCode()).as(() -> r.err() + "\nstdout's demo lines:\n" + String.join("\n",
                r.out().lines().filter(l -> l.startsWith("demo:")).toList())).isZero();

        List<String> events = new java.util.ArrayList<>();
        List<JsonNode> verdicts = new java.util.ArrayList<>();
        Set<String> tasks = new TreeSet<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if (e.path("schema").asText().equals("linewatch.verdict.v1")) {
                verdicts.add(e);
                continue;
            }
            events.add(line);
            tasks.add(e.path("camera").asText() + "/" + e.path("task").asText());
        }
        assertThat(tasks).containsExactly("conveyor/detection", "inspection/segmentation", "motor/thermal",
                "reactor/classification");
        assertThat(r.out()).contains("demo: " + events.size() + " alarm event(s) logged")
                .contains(events.size() + " received over MQTT; 12 part verdict(s) logged, 12 received");
        assertThat(verdicts).hasSize(12);
        assertThat(verdicts.stream().filter(v -> v.get("verdict").asText().equals("nok"))).hasSize(8);
        assertThat(r.out().lines().filter(l -> l.matches("\\[mqtt linewatch/plant1/[^/]+/inspection/verdicts] verdict .*")))
                .as("verdicts the subscriber printed").hasSize(12);
        assertThat(r.out()).contains("camera inspection: parts: verdict accuracy 1.000 (12 of 12 true parts right");
        assertThat(r.out()).containsPattern("\\[mqtt linewatch/plant1/[^/]+/conveyor/objects] object NEW +foreign_object")
                .containsPattern("\\[mqtt linewatch/plant1/[^/]+/conveyor/counts/[^]]+] count ");

        assertThat(number(r.out(), "camera conveyor: ground truth \\(IoU 0.5\\): precision ([0-9.]+)")).isGreaterThan(0.9);
        assertThat(number(r.out(), "camera conveyor: .*recall ([0-9.]+)")).isGreaterThan(0.9);
        assertThat(number(r.out(), "camera motor: ground truth \\(thermal.*MAE max ([0-9.]+) K")).isLessThan(2.0);
        assertThat(number(r.out(), "camera motor: .*position error mean ([0-9.]+) px")).isLessThan(4.0);
        assertThat(number(r.out(), "camera inspection: ground truth \\(segmentation.*mask IoU ([0-9.]+)")).isGreaterThan(0.8);
        assertThat(number(r.out(), "camera inspection: .*defect recall ([0-9.]+)")).isGreaterThan(0.9);
        assertProcessCamera(r.out());
    }

    /**
     * The reactor: its figures beside the other tasks', four abnormal episodes raised over MQTT with
     * their states, and every decided state (both glasses: the first frame's and each change, five
     * states each in the clip) received on the retained region topics.
     */
    private static void assertProcessCamera(String out) {
        assertThat(number(out, "camera reactor: ground truth \\(classification, 900 region-frames\\): accuracy ([0-9.]+)"))
                .isGreaterThanOrEqualTo(0.97);
        for (String state : List.of("normal", "foaming", "low_level", "discoloured")) {
            assertThat(number(out, "camera reactor: ground truth \\(classification.*recall.* " + state + " ([0-9.]+)"))
                    .as("recall of " + state).isGreaterThan(0.9);
        }
        assertThat(number(out, "camera reactor: .*CAM peak in the abnormal region ([0-9.]+)")).isGreaterThanOrEqualTo(0.9);
        assertThat(out).contains("camera reactor: confusion (rows true, columns predicted: normal, foaming, low_level,"
                + " discoloured)");
        assertThat(out.lines().filter(l -> l.matches("\\[mqtt linewatch/plant1/[^/]+/reactor/events] RAISED .*: glass_[ab]"
                + " (foaming|low_level|discoloured) [0-9.]+, most probable \\1 .*map peak at .*")))
                .as("state alarms the subscriber printed").hasSize(4);
        Matcher states = Pattern.compile("(\\d+) region state change\\(s\\) decided, (\\d+) received").matcher(out);
        assertThat(states.find()).as(out).isTrue();
        assertThat(Integer.parseInt(states.group(1))).as("decided states, both glasses").isBetween(10, 14);
        assertThat(states.group(2)).isEqualTo(states.group(1));
        assertThat(out.lines().filter(l -> l.matches("\\[mqtt linewatch/plant1/[^/]+/reactor/regions/glass_[ab]] region"
                + " reactor/glass_[ab] is [a-z_]+ .*")).count()).isEqualTo(Long.parseLong(states.group(1)));
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertThat(m.find()).as("a line matching %s in:%n%s", regex, out).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
