package io.linewatch.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.NodeOpcua;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OPC UA server as a plant's client sees it, through node-opcua (the Node.js SDK, not ours)
 * over Basic256Sha256 sign and encrypt, while the shipped conveyor clip plays in real time (looped
 * until the client is done): a client
 * whose certificate is not trusted is refused and its certificate lands in the rejected folder;
 * once the admin moves it to the trusted folder the client gets in, but not with a wrong password;
 * then it browses the site, reads values, sees FramesIn change, receives the foreign-object alarm
 * as an OffNormalAlarmType condition event, acknowledges it (with a comment) and sees it clear; the
 * acknowledgement arrives on MQTT (a real Mosquitto) and in the event log, naming the user.
 */
class OpcUaServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aTrustedOperatorBrowsesSubscribesAndAcknowledgesAnAlarm() throws Exception {
        int port = Mosquitto.freePort();
        io.linewatch.ops.Users.put(dir.resolve("users"), "operator", io.linewatch.ops.Users.Role.OPERATOR, "s3cret");
        io.linewatch.ops.Users.put(dir.resolve("users"), "watcher", io.linewatch.ops.Users.Role.VIEWER, "look");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector mqtt = new MqttCollector(broker.url(), "linewatch/#")) {
            Path file = Shipped.exampleConfig(dir, broker.url(), "loop: false", "loop: true"); // until the client is done
            Files.writeString(file, Files.readString(file) + opcuaSection(port));
            LinewatchConfig config = ConfigLoader.load(file);
            Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()));
            OpcUaEndpoint server = OpcUaEndpoint.start(config, pipeline);
            try {
                Path pki = dir.resolve("client-pki");
                trust(args(port, pki, "s3cret", "connect"));

                List<JsonNode> wrong = NodeOpcua.run(args(port, pki, "guess", "connect"), 60);
                assertThat(NodeOpcua.of(wrong, "connected")).as("a wrong password").isEmpty();
                assertThat(NodeOpcua.of(wrong, "refused").get(0).path("error").asText()).contains("BadUserAccessDenied");

                Map<String, Object> operator = args(port, pki, "s3cret", "session");
                operator.put("viewer", "watcher");
                operator.put("viewerPassword", "look");
                List<JsonNode> session = NodeOpcua.run(operator, 90);
                assertSession(session);
                assertThat(NodeOpcua.of(session, "ack-viewer").get(0).path("status").asText())
                        .as("a viewer may not acknowledge").isEqualTo("BadUserAccessDenied");
            } finally {
                server.close();
                pipeline.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> mqtt.payloads().stream().anyMatch(p -> p.contains(
                    "\"type\":\"acknowledged\"")));
            JsonNode ack = JSON.readTree(mqtt.payloads().stream().filter(p -> p.contains("\"acknowledged\"")).findFirst()
                    .orElseThrow());
            assertThat(ack.path("user").asText()).isEqualTo("operator");
            assertThat(ack.path("comment").asText()).isEqualTo("belt stopped, object removed");
            assertThat(ack.path("rule").asText()).isEqualTo("foreign-object-on-belt");
            assertThat(ack.path("camera").asText()).isEqualTo("conveyor");
            assertThat(mqtt.payloads()).as("the acknowledged alarm was published before").anyMatch(p ->
                    p.contains("\"id\":\"" + ack.path("alarm_id").asText() + "\"") && p.contains("\"raised\""));
            assertThat(Files.readAllLines(dir.resolve("events.jsonl"))).anyMatch(l -> l.contains("\"acknowledged\"")
                    && l.contains("\"user\":\"operator\""));
            assertThat(mqtt.payloads()).as("the viewer's try acknowledged nothing")
                    .noneMatch(p -> p.contains("\"acknowledged\"") && p.contains("\"user\":\"watcher\""));
            assertThat(ack.path("via").asText()).isEqualTo("opcua");
            String alarmId = ack.path("alarm_id").asText();
            assertThatThrownBy(() -> pipeline.acknowledgements().acknowledge(alarmId, "otto", "",
                    io.linewatch.sinks.Acknowledgements.Via.CONSOLE))
                    .as("the console's acknowledge of the same alarm, after OPC UA's: refused, nothing published")
                    .hasMessageContaining("already acknowledged by operator (opcua)");
        }
    }

    /**
     * What the pipeline produces reaches a client as it is produced, not only when an alarm changes,
     * while the three shipped clips (deploy/examples/plant.yaml) play in real time: a subscription sees
     * the bearing zone's MaxC move (the bearing heats and cools by tens of degrees) within what the
     * clip allows for the zone; the belt's counting line's Count rise and its RatePerMinute; the
     * inspection camera's last part verdict change, the last one read being a verdict of the event
     * log (verdict, part, defect count), with the ok and nok counts.
     */
    @Test
    void subscriptionsSeeMeasuresCountsAndPartVerdictsDuringAReplay() throws Exception {
        int port = Mosquitto.freePort();
        io.linewatch.ops.Users.put(dir.resolve("users"), "operator", io.linewatch.ops.Users.Role.OPERATOR, "s3cret");
        Path file = Shipped.exampleConfigOf(Path.of("deploy/examples/plant.yaml").toAbsolutePath(), dir, null,
                "    pacing: realtime\n", "    pacing: realtime\n    loop: true\n");
        Files.writeString(file, Files.readString(file) + opcuaSection(port));
        LinewatchConfig config = ConfigLoader.load(file);
        Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()));
        OpcUaEndpoint server = OpcUaEndpoint.start(config, pipeline);
        String zoneMax = "Cameras/motor/Rules/bearing-heating-fast/MaxC";
        String count = "Cameras/conveyor/Counters/belt-middle/Count";
        String parts = "Cameras/inspection/Parts/";
        List<JsonNode> lines;
        try {
            Path pki = dir.resolve("client-pki");
            trust(args(port, pki, "s3cret", "connect"));
            Map<String, Object> args = args(port, pki, "s3cret", "values");
            args.put("paths", List.of(zoneMax, count, "Cameras/conveyor/Counters/belt-middle/RatePerMinute",
                    parts + "LastPartId", parts + "LastVerdict", parts + "LastPart", parts + "LastDefectCount",
                    parts + "Ok", parts + "Nok"));
            args.put("seconds", 10);
            lines = NodeOpcua.run(args, 150);
        } finally {
            server.close();
            pipeline.close();
        }
        assertThat(NodeOpcua.of(lines, "error")).as("client errors").isEmpty();
        List<Double> maxC = seen(lines, zoneMax).stream().map(JsonNode::asDouble).toList();
        assertThat(maxC.stream().distinct().count()).as("distinct zone maxima seen: %s", maxC).isGreaterThan(5);
        assertThat(maxC).as("the bearing zone's max, degrees C (45 to 86 in the clip, noise aside)")
                .allMatch(c -> c > 40 && c < 90);
        assertThat(maxC.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
                - maxC.stream().mapToDouble(Double::doubleValue).min().orElseThrow()).as("how far it moved")
                .isGreaterThan(1.0);
        List<Long> counts = seen(lines, count).stream().map(JsonNode::asLong).toList();
        assertThat(counts).as("the line's count as the subscription saw it").isSorted();
        assertThat(counts.get(counts.size() - 1)).as("products counted").isPositive();
        assertThat(seen(lines, "Cameras/conveyor/Counters/belt-middle/RatePerMinute")).anyMatch(r -> r.asDouble() > 0);

        Map<String, JsonNode> reads = new HashMap<>();
        NodeOpcua.of(lines, "read").forEach(r -> reads.put(r.path("path").asText(), r.path("value")));
        assertThat(seen(lines, parts + "LastPartId").stream().map(JsonNode::asText).filter(id -> !id.isEmpty())
                .distinct().count()).as("verdicts seen as they came").isGreaterThanOrEqualTo(2);
        JsonNode verdict = JSON.readTree(Files.readAllLines(dir.resolve("events.jsonl")).stream()
                .filter(l -> l.contains("\"id\":\"" + reads.get(parts + "LastPartId").asText() + "\""))
                .findFirst().orElseThrow());
        assertThat(reads.get(parts + "LastVerdict").asText()).isEqualTo(verdict.path("verdict").asText());
        assertThat(reads.get(parts + "LastPart").asInt()).isEqualTo(verdict.path("part").asInt());
        assertThat(reads.get(parts + "LastDefectCount").asInt()).isEqualTo(verdict.path("defects").size());
        long judged = Files.readAllLines(dir.resolve("events.jsonl")).stream()
                .filter(l -> l.contains("linewatch.verdict.v1")).count();
        assertThat(reads.get(parts + "Ok").asLong() + reads.get(parts + "Nok").asLong()).as("ok + nok")
                .isPositive().isLessThanOrEqualTo(judged);
    }

    /** The values a subscription saw of {@code path}, in order. */
    private static List<JsonNode> seen(List<JsonNode> lines, String path) {
        return NodeOpcua.of(lines, "value").stream().filter(v -> v.path("path").asText().equals(path))
                .map(v -> v.path("value")).toList();
    }

    private String opcuaSection(int port) {
        return "\nopcua:\n  enabled: true\n  bind: 127.0.0.1\n  port: " + port + "\n  state_dir: " + dir.resolve("opcua")
                + "\n  users_file: users\n";
    }

    /** First contact is refused; the admin moves the rejected certificate to the trusted folder; then it connects. */
    private void trust(Map<String, Object> connect) throws Exception {
        assertThat(NodeOpcua.of(NodeOpcua.run(connect, 150), "refused")).as("first contact: not trusted").hasSize(1);
        List<Path> certs = list(dir.resolve("opcua/pki/rejected/certs"));
        assertThat(certs).as("the client's certificate, put aside for the admin").hasSize(1);
        Files.move(certs.get(0), dir.resolve("opcua/pki/trusted/certs").resolve(certs.get(0).getFileName()));
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !NodeOpcua.of(NodeOpcua.run(connect, 150), "connected").isEmpty());
    }

    private static void assertSession(List<JsonNode> lines) {
        assertThat(NodeOpcua.of(lines, "error")).as("client errors").isEmpty();
        assertThat(NodeOpcua.of(lines, "browse").get(0).path("names").toString()).contains("\"plant1\"");
        JsonNode camera = NodeOpcua.of(lines, "browse").get(2);
        assertThat(camera.path("names").toString()).contains("State", "Fps", "FramesIn", "Dropped", "Rules");
        assertThat(NodeOpcua.of(lines, "browse").get(3).path("names").toString()).contains("foreign-object-on-belt");
        Map<String, JsonNode> reads = new HashMap<>();
        NodeOpcua.of(lines, "read").forEach(r -> reads.put(r.path("path").asText(), r));
        assertThat(reads.get("Node").path("value").asText()).isEqualTo("box1");
        assertThat(reads.get("Cameras/conveyor/State").path("value").asText()).isEqualTo("streaming");
        assertThat(reads.get("Models/conveyor/Engine").path("value").asText()).isEqualTo("onnxruntime (cpu)");
        assertThat(reads.get("Models/conveyor/Health").path("value").asText()).isEqualTo("running");
        List<Long> frames = NodeOpcua.of(lines, "value").stream().filter(v -> v.path("path").asText().endsWith("FramesIn"))
                .map(v -> v.path("value").asLong()).toList();
        assertThat(frames).as("FramesIn as the subscription saw it change").hasSizeGreaterThan(2).isSorted();
        assertThat(frames.get(frames.size() - 1)).isGreaterThan(frames.get(0));

        List<JsonNode> events = NodeOpcua.of(lines, "event").stream()
                .filter(e -> "foreign-object-on-belt".equals(e.path("ConditionName").asText())).toList();
        JsonNode raised = events.stream().filter(e -> e.path("ActiveState.Id").asBoolean()).findFirst().orElseThrow();
        assertThat(raised.path("EventType").asText()).contains("i=10637"); // OffNormalAlarmType
        assertThat(raised.path("SourceName").asText()).isEqualTo("conveyor");
        assertThat(raised.path("Severity").asInt()).isEqualTo(500);
        assertThat(raised.path("Retain").asBoolean()).isTrue();
        assertThat(raised.path("AckedState.Id").asBoolean()).isFalse();
        assertThat(NodeOpcua.of(lines, "ack").get(0).path("status").asText()).isEqualTo("Good");
        assertThat(NodeOpcua.of(lines, "ack-unknown-event").get(0).path("status").asText()).isEqualTo("BadEventIdUnknown");
        assertThat(events).as("acknowledged, by the operator, with the comment").anyMatch(e ->
                e.path("AckedState.Id").asBoolean() && e.path("Message").asText().contains("acknowledged by operator"));
        assertThat(NodeOpcua.of(lines, "done").get(0).path("cleared").asBoolean()).as("then cleared").isTrue();
    }

    private Map<String, Object> args(int port, Path pki, String password, String mode) {
        Map<String, Object> args = new HashMap<>();
        args.put("url", "opc.tcp://127.0.0.1:" + port + "/linewatch");
        args.put("pki", pki.toString());
        args.put("user", "operator");
        args.put("password", password);
        args.put("mode", mode);
        args.put("namespace", "urn:linewatch:plant1:box1");
        args.put("root", "plant1");
        args.put("camera", "conveyor");
        args.put("model", "conveyor");
        args.put("comment", "belt stopped, object removed");
        args.put("seconds", 45);
        return args;
    }

    private static List<Path> list(Path folder) throws java.io.IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }
}
