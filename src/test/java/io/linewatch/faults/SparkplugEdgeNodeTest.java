package io.linewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.SparkplugConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.sinks.SparkplugNode;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import io.linewatch.testing.SparkplugDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sparkplug B edge node during a replay of the shipped conveyor clip, as a host sees it through
 * a real Mosquitto, every payload decoded by Eclipse Tahu's JavaScript decoder (npm
 * sparkplug-payload): births before data; every metric of a data message declared by the birth
 * before it; {@code seq} from 0 at each NBIRTH without a gap; a rebirth asked by an NCMD (encoded
 * by the same package); a broker killed (SIGKILL) after an alarm and restarted after another was
 * accepted while it was away: the new session's births (another bdSeq) come first, then what waited,
 * every metric marked historical, then live data; every alarm of the event log reached the host as a
 * DDATA of its rule; the counting line's last count is the daemon's; the NDEATH of the clean close
 * carries the last session's bdSeq.
 */
class SparkplugEdgeNodeTest {

    private static final String PREFIX = "spBv1.0/plant1/";
    private static final String RULE = "Rules/foreign-object-on-belt/";
    private static final long PHASE_MAX_MILLIS = 8_000;
    private static final Path PLANT = Path.of("deploy/examples/plant.yaml").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void aHostGetsBirthsThenEveryChangeWithoutGapsThroughARebirthAndABrokerKill() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector host = MqttCollector.persistent(broker.url(), "scada-host", "spBv1.0/#")) {
            LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfig(dir, broker.url(), "    model: conveyor\n",
                    "    model: conveyor\n    counters:\n      - {name: belt-end, line: [[320, 0], [320, 360]],"
                            + " classes: [product]}\n"));
            config = config.withSinks(config.sinks().withSparkplug(
                    new SparkplugConfig(true, null, null, 200L, 1, null)));
            Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.asFastAsPossible()));
            long alarmsAtKill;
            long alarmsAtRestart;
            long counted;
            try {
                SparkplugNode node = pipeline.sparkplug();
                await().atMost(Duration.ofSeconds(30)).until(() -> node.births.get() >= 1);
                host.publish(PREFIX + "NCMD/box1", SparkplugDecoder.rebirthCommand(dir));
                await().atMost(Duration.ofSeconds(10)).until(() -> node.births.get() >= 2);

                await().atMost(Duration.ofSeconds(60)).until(() -> alarms(pipeline) >= 1);
                long acknowledged = node.acknowledged.get();
                waitUntil(() -> node.acknowledged.get() > acknowledged);
                Instant acked = Instant.now();
                waitUntil(() -> broker.lastSaved().isAfter(acked)); // what the broker took survives the kill
                broker.kill();
                alarmsAtKill = alarms(pipeline);
                waitUntil(() -> alarms(pipeline) > alarmsAtKill);
                alarmsAtRestart = alarms(pipeline);
                broker.restart();
                await().atMost(Duration.ofSeconds(15)).until(() -> node.connections.get() >= 2);
                pipeline.awaitSources();
            } finally {
                pipeline.close();
            }
            counted = pipeline.stats().get(0).lineCrossings.entrySet().stream()
                    .filter(e -> e.getKey().counter().equals("belt-end")).mapToLong(e -> e.getValue().get()).sum();
            await().atMost(Duration.ofSeconds(20)).until(() -> host.topics().contains(PREFIX + "NDEATH/box1"));

            assertThat(alarmsAtRestart).as("an alarm was accepted while the broker was away").isGreaterThan(alarmsAtKill);
            List<JsonNode> messages = SparkplugDecoder.decode(host.topics(), host.rawPayloads(), dir);
            List<List<JsonNode>> sessions = checkBirthsAndSequence(messages);
            assertThat(sessions).as("sessions: first, rebirth, after the kill").hasSizeGreaterThanOrEqualTo(3);
            checkBdSeq(sessions, messages.get(messages.size() - 1));
            checkHistorical(sessions);
            checkEveryAlarmReachedTheHost(messages);
            List<Long> counts = messages.stream().map(m -> metric(m, "Counters/belt-end/Count")).filter(m -> m != null)
                    .map(m -> m.get("value").asLong()).toList();
            assertThat(counted).as("products counted at the line").isPositive();
            assertThat(counts).as("the line's count as the host last got it").last().isEqualTo(counted);
            System.out.printf("sparkplug: %d messages, %d sessions (births), %d historical data messages%n",
                    messages.size(), sessions.size(),
                    messages.stream().filter(SparkplugEdgeNodeTest::historical).count());
        }
    }

    /**
     * What the pipeline produces goes out as DDATA as it changes, during a replay of the three shipped
     * clips (deploy/examples/plant.yaml): the bearing zone's {@code Max C} moves through the heating
     * and cooling the motor clip holds, each change at least the deadband, every value within the
     * clip's range, the last one the rule's last reading; the belt's counting line's count and rate;
     * every part verdict of the event log as one DDATA (verdict, part, id, defect count) with the ok
     * and nok counts adding up.
     */
    @Test
    void aHostSeesMeasuresCountsAndVerdictsAsDataOnChange() throws Exception {
        String zoneMax = "Rules/bearing-heating-fast/Max C";
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector host = MqttCollector.persistent(broker.url(), "scada-host", "spBv1.0/#")) {
            LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfigOf(PLANT, dir, broker.url()));
            config = config.withSinks(config.sinks().withSparkplug(new SparkplugConfig(true, null, null, 200L, 1, null)));
            Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.asFastAsPossible()));
            double[] last = new double[4];
            try {
                pipeline.awaitSources();
            } finally {
                pipeline.close();
            }
            pipeline.ruleReadings().get("motor", "bearing-heating-fast").read(last);
            await().atMost(Duration.ofSeconds(20)).until(() -> host.topics().contains(PREFIX + "NDEATH/box1"));
            List<JsonNode> messages = SparkplugDecoder.decode(host.topics(), host.rawPayloads(), dir);
            checkBirthsAndSequence(messages, plantBirths());

            List<Double> maxC = values(messages, "motor", zoneMax).stream().map(JsonNode::asDouble).toList();
            assertThat(maxC).as("the bearing zone's max as the host got it, degrees C (45 to 86 in the clip)")
                    .hasSizeGreaterThan(5).allMatch(c -> c > 40 && c < 90);
            assertThat(maxC.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                    - maxC.stream().mapToDouble(Double::doubleValue).min().orElseThrow()).as("how far it moved: %s", maxC)
                    .isGreaterThan(20.0);
            for (int i = 1; i < maxC.size(); i++) {
                assertThat(Math.abs(maxC.get(i) - maxC.get(i - 1))).as("change %d of %s", i, maxC)
                        .isGreaterThanOrEqualTo(SparkplugNode.DEADBAND_C - 1e-9);
            }
            assertThat(maxC.get(maxC.size() - 1)).as("the rule's last reading").isCloseTo(last[1],
                    org.assertj.core.data.Offset.offset(SparkplugNode.DEADBAND_C));

            long counted = pipeline.stats().get(0).lineCrossings.values().stream().mapToLong(n -> n.get()).sum();
            assertThat(counted).as("products counted at the belt's line").isPositive();
            assertThat(values(messages, "conveyor", "Counters/belt-middle/Count")).last()
                    .extracting(JsonNode::asLong).isEqualTo(counted);
            assertThat(values(messages, "conveyor", "Counters/belt-middle/Rate Per Minute"))
                    .anyMatch(r -> r.asDouble() > 0);
            checkVerdicts(messages);
        }
    }

    /**
     * A rule a reload adds to a running camera brings new births: the host gets an NBIRTH and the
     * camera's DBIRTH again, now declaring the new rule's metrics with their values (what it measures
     * included); the births before the reload did not declare it; a rule the reload removed (renamed)
     * is no longer in them; {@code seq} stays without a gap.
     */
    @Test
    void aRuleAddedByAReloadComesWithNewBirths() throws Exception {
        String added = "Rules/motor-warm/";
        String removed = "motor-overheat";
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector host = MqttCollector.persistent(broker.url(), "scada-host", "spBv1.0/#")) {
            Path file = Shipped.exampleConfigOf(Shipped.THERMAL_CONFIG, dir, broker.url(), "    pacing: realtime\n",
                    "    pacing: realtime\n    loop: true\n");
            LinewatchConfig config = ConfigLoader.load(file);
            config = config.withSinks(config.sinks().withSparkplug(new SparkplugConfig(true, null, null, 200L, 1, null)));
            Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()));
            try {
                SparkplugNode node = pipeline.sparkplug();
                await().atMost(Duration.ofSeconds(60)).until(() -> node.births.get() >= 1);
                Files.writeString(file, Files.readString(file).replace("temperature_alarms:\n", "temperature_alarms:\n"
                        + "  - {name: motor-warm, cameras: [motor], measure: avg, raise_at_c: 20.0, clear_at_c: 15.0}\n")
                        .replace("- name: " + removed, "- name: motor-hot"));
                LinewatchConfig next = ConfigLoader.load(file);
                pipeline.reload(next.withSinks(next.sinks().withSparkplug(config.sinks().sparkplug())));
                await().atMost(Duration.ofSeconds(60)).until(() -> node.births.get() >= 2);
                await().atMost(Duration.ofSeconds(30)).until(() -> host.topics().stream().filter(
                        t -> t.equals(PREFIX + "DDATA/box1/motor")).count() > 0);
            } finally {
                pipeline.close();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> host.topics().contains(PREFIX + "NDEATH/box1"));
            List<JsonNode> messages = SparkplugDecoder.decode(host.topics(), host.rawPayloads(), dir);
            List<List<String>> motorBirths = messages.stream()
                    .filter(m -> m.get("topic").asText().equals(PREFIX + "DBIRTH/box1/motor")).map(m -> names(m)).toList();
            assertThat(motorBirths).as("the camera's births: at start, then after the reload").hasSizeGreaterThanOrEqualTo(2);
            assertThat(motorBirths.get(0)).as("before the reload").noneMatch(n -> n.startsWith(added))
                    .contains("Rules/" + removed + "/Active");
            assertThat(motorBirths.get(motorBirths.size() - 1)).as("after the reload: the renamed rule's metrics only")
                    .noneMatch(n -> n.startsWith("Rules/" + removed + "/")).contains("Rules/motor-hot/Active");
            assertThat(motorBirths.get(motorBirths.size() - 1)).as("after the reload")
                    .contains(added + "Active", added + "Value", added + "Seq", added + "Avg C", added + "Max C");
            JsonNode lastBirth = messages.stream().filter(m -> m.get("topic").asText().equals(PREFIX + "DBIRTH/box1/motor"))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(metric(lastBirth, added + "Avg C").get("value").asDouble())
                    .as("the new rule's measure in its birth: the scene's average, about 26 degrees C").isBetween(20.0, 35.0);
            long expected = 0;
            Set<String> seen = new HashSet<>();
            for (JsonNode m : messages) {
                String type = m.get("topic").asText().split("/")[2];
                if (type.equals("NBIRTH")) {
                    expected = 0;
                    seen.clear();
                } else if (type.equals("NDEATH") || !seen.add(m.toString())) {
                    continue; // no seq; a QoS 1 repeat
                }
                assertThat(m.get("seq").asLong()).as("seq of %s", m.get("topic").asText()).isEqualTo(expected);
                expected = (expected + 1) % 256;
            }
        }
    }

    /** Each verdict of the event log, in order, is a DDATA of the inspection camera; ok and nok add up. */
    private void checkVerdicts(List<JsonNode> messages) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> verdicts = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            JsonNode e = json.readTree(line);
            if ("linewatch.verdict.v1".equals(e.path("schema").asText())) {
                verdicts.add(e);
            }
        }
        List<JsonNode> data = messages.stream()
                .filter(m -> m.get("topic").asText().equals(PREFIX + "DDATA/box1/inspection"))
                .filter(m -> metric(m, "Parts/Last Id") != null && !historical(m)).toList();
        assertThat(verdicts).as("verdicts in the log").hasSizeGreaterThan(3);
        assertThat(data.stream().map(m -> metric(m, "Parts/Last Id").get("value").asText()).distinct().toList())
                .as("verdict ids as the host got them").isEqualTo(verdicts.stream().map(v -> v.get("id").asText()).toList());
        long ok = 0;
        long nok = 0;
        for (int i = 0; i < verdicts.size(); i++) {
            JsonNode v = verdicts.get(i);
            JsonNode m = data.stream().filter(d -> metric(d, "Parts/Last Id").get("value").asText()
                    .equals(v.get("id").asText())).findFirst().orElseThrow();
            ok += v.get("verdict").asText().equals("ok") ? 1 : 0;
            nok += v.get("verdict").asText().equals("nok") ? 1 : 0;
            assertThat(metric(m, "Parts/Last Verdict").get("value").asText()).isEqualTo(v.get("verdict").asText());
            assertThat(metric(m, "Parts/Last Part").get("value").asLong()).isEqualTo(v.get("part").asLong());
            assertThat(metric(m, "Parts/Last Defect Count").get("value").asLong()).isEqualTo(v.get("defects").size());
            assertThat(metric(m, "Parts/Ok").get("value").asLong()).as("ok after verdict %d", i).isEqualTo(ok);
            assertThat(metric(m, "Parts/Nok").get("value").asLong()).as("nok after verdict %d", i).isEqualTo(nok);
        }
        assertThat(ok).as("ok parts").isPositive();
        assertThat(nok).as("nok parts").isPositive();
    }

    /** The metrics of each camera's DBIRTH in deploy/examples/plant.yaml, beyond the common ones. */
    private static Map<String, List<String>> plantBirths() {
        List<String> motor = new ArrayList<>();
        for (String rule : List.of("motor-overheat", "bearing-heating-fast")) {
            for (String m : List.of("Active", "Value", "Seq", "Value C", "Max C", "Avg C", "Min C")) {
                motor.add("Rules/" + rule + "/" + m);
            }
        }
        List<String> inspection = new ArrayList<>(List.of("Parts/Last Verdict", "Parts/Last Part", "Parts/Last Id",
                "Parts/Last Defect Count", "Parts/Ok", "Parts/Nok"));
        for (String rule : List.of("scratch", "stain", "dent", "crack")) {
            for (String m : List.of("Active", "Value", "Seq", "Defect Count")) {
                inspection.add("Rules/" + rule + "/" + m);
            }
        }
        List<String> reactor = new ArrayList<>();
        for (String rule : List.of("foaming", "low-level", "discoloured")) {
            for (String m : List.of("Active", "Value", "Seq")) {
                reactor.add("Rules/" + rule + "/" + m);
            }
        }
        return Map.of("conveyor", List.of("Counters/belt-middle/Count", "Counters/belt-middle/Rate Per Minute",
                RULE + "Active", RULE + "Value", RULE + "Seq", RULE + "Object Count"), "motor", motor,
                "inspection", inspection, "reactor", reactor);
    }

    /** The values of a metric in the camera's DDATA, in order. */
    private static List<JsonNode> values(List<JsonNode> messages, String camera, String name) {
        return messages.stream().filter(m -> m.get("topic").asText().equals(PREFIX + "DDATA/box1/" + camera))
                .map(m -> metric(m, name)).filter(m -> m != null).map(m -> m.get("value")).toList();
    }

    /**
     * Splits the messages at each NBIRTH (the first message is one) and checks each session: DBIRTH
     * of the camera before its data, every data metric declared by the session's birth of its
     * device, and {@code seq} 0, 1, 2, ... (mod 256) with no gap; a repeated delivery (the same bytes)
     * is skipped.
     */
    private static List<List<JsonNode>> checkBirthsAndSequence(List<JsonNode> messages) {
        return checkBirthsAndSequence(messages, Map.of("conveyor", List.of("Counters/belt-end/Count",
                "Counters/belt-end/Rate Per Minute", RULE + "Active", RULE + "Value", RULE + "Seq", RULE + "Object Count")));
    }

    /** As above, each camera's DBIRTH carrying the common metrics and its own, by camera. */
    private static List<List<JsonNode>> checkBirthsAndSequence(List<JsonNode> messages,
                                                               Map<String, List<String>> cameraMetrics) {
        assertThat(messages.get(0).get("topic").asText()).isEqualTo(PREFIX + "NBIRTH/box1");
        List<List<JsonNode>> sessions = new ArrayList<>();
        Map<String, Set<String>> declared = new HashMap<>();
        Set<String> seen = new HashSet<>();
        long expected = 0;
        for (JsonNode m : messages) {
            String topic = m.get("topic").asText();
            String type = topic.split("/")[2];
            if (type.equals("NDEATH") || type.equals("NCMD")) {
                continue; // no seq; the host's own command
            }
            if (type.equals("NBIRTH")) {
                sessions.add(new ArrayList<>());
                declared.clear();
                seen.clear();
                expected = 0;
                assertThat(names(m)).as("NBIRTH metrics")
                        .containsExactlyInAnyOrder("bdSeq", "Node Control/Rebirth", "Properties/Version", "Heartbeat");
            }
            if (!seen.add(m.toString())) {
                continue; // a QoS 1 repeat of the same message
            }
            sessions.get(sessions.size() - 1).add(m);
            assertThat(m.get("seq").asLong()).as("seq of message %d of session %d (%s)", seen.size(), sessions.size(),
                    topic).isEqualTo(expected);
            expected = (expected + 1) % 256;
            String device = type.equals("NBIRTH") || type.equals("NDATA") ? "" : topic.substring(topic.lastIndexOf('/') + 1);
            if (type.endsWith("BIRTH")) {
                declared.put(device, new HashSet<>(names(m)));
            } else {
                assertThat(declared).as("birth of '%s' before its %s", device, type).containsKey(device);
                assertThat(declared.get(device)).as("%s metrics declared by the birth", type).containsAll(names(m));
            }
            if (type.equals("DBIRTH")) {
                List<String> birth = new ArrayList<>(List.of("State", "FPS", "Frames/In", "Frames/Inferred",
                        "Drops/Ring Full", "Drops/Backlog", "Drops/Too Large", "Drops/Too Old", "Drops/Decode Error",
                        "Drops/Failed"));
                birth.addAll(cameraMetrics.get(device));
                assertThat(names(m)).as("DBIRTH metrics").containsExactlyInAnyOrderElementsOf(birth);
            }
        }
        return sessions;
    }

    /** A rebirth keeps the session's bdSeq; a new session has another; the NDEATH names the last. */
    private static void checkBdSeq(List<List<JsonNode>> sessions, JsonNode last) {
        List<Long> bdSeqs = sessions.stream().map(s -> metric(s.get(0), "bdSeq").get("value").asLong()).toList();
        assertThat(bdSeqs.get(1)).as("bdSeq of the rebirth").isEqualTo(bdSeqs.get(0));
        // One more per connection attempt (each CONNECT carries its will), so the attempts while the broker was away count.
        assertThat(bdSeqs.get(bdSeqs.size() - 1)).as("bdSeq after the kill").isNotEqualTo(bdSeqs.get(0));
        assertThat(last.get("topic").asText()).isEqualTo(PREFIX + "NDEATH/box1");
        assertThat(metric(last, "bdSeq").get("value").asLong()).isEqualTo(bdSeqs.get(bdSeqs.size() - 1));
    }

    /** What waited while the broker was away came after the births, marked historical, and before live data. */
    private static void checkHistorical(List<List<JsonNode>> sessions) {
        long historical = 0;
        for (List<JsonNode> session : sessions) {
            boolean live = false;
            for (JsonNode m : session) {
                if (m.get("topic").asText().contains("BIRTH")) {
                    continue;
                }
                boolean h = historical(m);
                assertThat(!h || !live).as("a historical message after live data: %s in session %d: %s", m,
                        sessions.indexOf(session), session.stream().map(x -> x.get("topic").asText().split("/")[2]
                                + "#" + x.get("seq").asLong() + (historical(x) ? "h" : "") + "@"
                                + x.get("timestamp").asLong() % 100000).toList()).isTrue();
                live |= !h;
                historical += h ? 1 : 0;
                long marked = m.get("metrics").findValues("historical").stream().filter(JsonNode::asBoolean).count();
                assertThat(marked).as("every metric of a message marked alike").isIn(0L, (long) m.get("metrics").size());
            }
        }
        assertThat(historical).as("data messages replayed as historical").isPositive();
    }

    /** Each alarm event of the log is a DDATA of its rule: the event's seq, and active when raised. */
    private void checkEveryAlarmReachedTheHost(List<JsonNode> messages) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            JsonNode e = json.readTree(line);
            if (e.has("id") && e.has("seq")) {
                events.add(e);
            }
        }
        assertThat(events).as("alarm events in the log").isNotEmpty();
        for (JsonNode e : events) {
            boolean found = messages.stream()
                    .filter(m -> m.get("topic").asText().equals(PREFIX + "DDATA/box1/" + e.get("camera").asText()))
                    .anyMatch(m -> metric(m, "Rules/" + e.get("rule").asText() + "/Seq") != null
                            && metric(m, "Rules/" + e.get("rule").asText() + "/Seq").get("value").asLong()
                            == e.get("seq").asLong()
                            && metric(m, "Rules/" + e.get("rule").asText() + "/Active").get("value").asBoolean()
                            == e.get("type").asText().equals("raised"));
            assertThat(found).as("a DDATA of %s %s seq %d", e.get("rule").asText(), e.get("type").asText(),
                    e.get("seq").asLong()).isTrue();
        }
    }

    private static boolean historical(JsonNode m) {
        return !m.get("metrics").isEmpty() && m.get("metrics").get(0).get("historical").asBoolean();
    }

    private static List<String> names(JsonNode m) {
        return m.get("metrics").findValuesAsText("name");
    }

    private static JsonNode metric(JsonNode m, String name) {
        for (JsonNode metric : m.get("metrics")) {
            if (metric.get("name").asText().equals(name)) {
                return metric;
            }
        }
        return null;
    }

    private static long alarms(Pipeline pipeline) {
        return pipeline.stats().stream().mapToLong(s -> s.alarmsRaised.get() + s.alarmsCleared.get()).sum();
    }

    private interface Condition {
        boolean holds() throws java.io.IOException;
    }

    /** Polls {@code condition} until it holds or {@link #PHASE_MAX_MILLIS} pass (the phase then simply ends). */
    private static void waitUntil(Condition condition) throws Exception {
        long deadline = System.nanoTime() + PHASE_MAX_MILLIS * 1_000_000;
        while (!condition.holds() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
