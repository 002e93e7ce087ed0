package io.linewatch.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A counting line across the shipped conveyor clip: the products it counts equal (within one) the
 * ground truth's product tracks whose centre crosses the same line the same way; the count is in
 * {@code /metrics} and on the line's retained topic (valid against the shipped JSON Schema).
 */
@Tag("broker")
class CountingLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double LINE_X = 320;

    @TempDir
    Path dir;

    @Test
    void productsCountedAtTheLineMatchTheGroundTruth() throws Exception {
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")))) {
            LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfig(dir, broker.url(), "    model: conveyor\n",
                    "    model: conveyor\n    counters:\n      - {name: belt-end, line: [[320, 0], [320, 360]],"
                            + " classes: [product], direction: left}\n"));
            Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.asFastAsPossible()));
            try {
                pipeline.awaitSources();
                await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.outbox().waitingCount() == 0);
            } finally {
                pipeline.close();
            }
            Matcher m = Pattern.compile("linewatch_line_crossings_total\\{camera=\"conveyor\",counter=\"belt-end\","
                    + "class=\"product\"} (\\S+)").matcher(PipelineMetrics.render(pipeline));
            assertThat(m.find()).as("the count in the metrics").isTrue();
            long counted = (long) Double.parseDouble(m.group(1));
            long truth = trueCrossings();
            System.out.println("counting line belt-end: " + counted + " products counted, " + truth
                    + " true product tracks crossing x=320 rightwards");
            assertThat(counted).as("products counted, against %d true crossings", truth).isBetween(truth - 1, truth + 1);

            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(JSON.readTree(Path.of("docs/schema/count.v1.json").toFile()));
            try (MqttCollector retained = new MqttCollector(broker.url(), "linewatch/+/+/+/counts/#")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !retained.payloads().isEmpty());
                assertThat(retained.topics()).containsExactly("linewatch/plant1/box1/conveyor/counts/belt-end");
                JsonNode message = JSON.readTree(retained.payloads().get(0));
                assertThat(schema.validate(message)).as("schema errors of %s", message).isEmpty();
                assertThat(message.get("counts").get("product").asLong()).isEqualTo(counted);
            }
        }
    }

    /** Product tracks of the ground truth whose box centre goes from left of x 320 to at or right of it. */
    private static long trueCrossings() throws Exception {
        Map<Integer, Double> lastX = new HashMap<>();
        Map<Integer, Boolean> counted = new HashMap<>();
        for (String line : Files.readAllLines(Shipped.GROUND_TRUTH)) {
            for (JsonNode o : JSON.readTree(line).get("objects")) {
                if (!o.get("class").asText().equals("product")) {
                    continue;
                }
                int track = o.get("track").asInt();
                double x = (o.get("box").get(0).asDouble() + o.get("box").get(2).asDouble()) / 2;
                Double before = lastX.put(track, x);
                if (before != null && before < LINE_X && x >= LINE_X) {
                    counted.put(track, true);
                }
            }
        }
        return counted.size();
    }
}
