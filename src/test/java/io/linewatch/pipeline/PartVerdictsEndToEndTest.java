package io.linewatch.pipeline;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One verdict per part on the shipped inspection clip, through a real Mosquitto broker: every
 * message on the verdicts topic is valid against the shipped JSON Schema; twelve verdicts, one per
 * panel of {@code samples/inspection.gt.jsonl}, in the panels' order, each {@code nok} exactly
 * when the panel carries defects and then with the panel's true defect classes, each defect once;
 * the last panel, still in view when the clip ends, judged at the source's end; a client that
 * subscribes afterwards gets the last verdict (retained); the event log holds the same verdicts, and
 * {@code replay --ground-truth} says so in its part line.
 */
@Tag("broker")
class PartVerdictsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLE = Path.of("deploy/examples/inspection.yaml").toAbsolutePath();
    private static final Path TRUTH = Path.of("samples/inspection.gt.jsonl").toAbsolutePath();
    private static final String TOPIC = "linewatch/plant1/box1/inspection/verdicts";

    @TempDir
    Path dir;

    @Test
    void twelvePanelsGiveTwelveVerdictsWithTheirTrueDefectClasses() throws Exception {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.readTree(Path.of("docs/schema/verdict.v1.json").toFile()));
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
             MqttCollector live = new MqttCollector(broker.url(), "linewatch/+/+/+/verdicts")) {
            Path config = Shipped.exampleConfigOf(EXAMPLE, dir, broker.url());
            Cli.Result r = Cli.run("replay", "--config", config.toString(), "--ground-truth", TRUTH.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).as("replay --ground-truth's part line").contains("  parts: verdict accuracy 1.000 (12 of 12"
                    + " true parts right: 8 nok, 4 ok; nok judged ok 0, ok judged nok 0), defect classes right on 8 of 8 nok"
                    + " parts; 12 verdicts, 0 on no true part, 0 parts judged twice, 0 without a verdict");
            await().atMost(Duration.ofSeconds(15)).until(() -> live.payloads().stream().distinct().count() >= 12);
            List<JsonNode> verdicts = new ArrayList<>();
            for (String payload : live.payloads().stream().distinct().toList()) {
                JsonNode v = JSON.readTree(payload);
                System.out.println("verdict: " + payload);
                assertThat(schema.validate(v)).as("schema errors of %s", payload).isEmpty();
                verdicts.add(v);
            }
            assertThat(live.topics()).allMatch(TOPIC::equals);
            List<Set<String>> truth = trueClassesByPanel();
            assertThat(verdicts).as("one verdict per panel").hasSize(truth.size());
            for (int k = 0; k < truth.size(); k++) {
                JsonNode v = verdicts.get(k);
                Set<String> classes = new TreeSet<>();
                v.get("defects").forEach(d -> classes.add(d.get("class").asText()));
                assertThat(v.get("verdict").asText()).as("panel %d: %s", k, v).isEqualTo(truth.get(k).isEmpty() ? "ok" : "nok");
                assertThat(classes).as("panel %d's defect classes: %s", k, v).isEqualTo(truth.get(k));
                assertThat(v.get("defects")).as("each defect once: %s", v).hasSize(truth.get(k).size());
                assertThat(Path.of(v.get("snapshot").asText())).as("snapshot of panel %d", k).exists();
                assertThat(v.get("ended").asText()).isEqualTo(k == truth.size() - 1 ? "source_ended" : "left_view");
            }
            List<String> logged = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
                if (line.contains("\"linewatch.verdict.v1\"")) {
                    logged.add(JSON.readTree(line).get("id").asText());
                }
            }
            assertThat(logged).isEqualTo(verdicts.stream().map(v -> v.get("id").asText()).toList());
            try (MqttCollector late = new MqttCollector(broker.url(), TOPIC)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !late.payloads().isEmpty());
                assertThat(JSON.readTree(late.payloads().get(0)).get("id").asText())
                        .as("the retained verdict is the last").isEqualTo(verdicts.get(11).get("id").asText());
            }
        }
    }

    /** The true defect classes of each panel, in the order the panels pass. */
    static List<Set<String>> trueClassesByPanel() throws Exception {
        TreeMap<Integer, Set<String>> byItem = new TreeMap<>();
        for (String line : Files.readAllLines(TRUTH)) {
            JsonNode f = JSON.readTree(line);
            if (!f.get("item").isNull()) {
                byItem.computeIfAbsent(f.get("item").asInt(), k -> new TreeSet<>());
            }
            for (JsonNode d : f.get("defects")) {
                byItem.computeIfAbsent(d.get("item").asInt(), k -> new TreeSet<>()).add(d.get("class").asText());
            }
        }
        return new ArrayList<>(byItem.values());
    }
}
