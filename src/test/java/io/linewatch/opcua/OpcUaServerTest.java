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
     * while the four shipped clips (deploy/examples/plant.yaml) play in real time: a subscription sees
     * the bearing zone's MaxC move (the bearing heats and cools by tens of degrees) within what the
     * clip allows for the zone; the belt's counting line's Count rise and its RatePerMinute; the
     * inspection camera's last part verdict change, the last one read being a verdict of the event
     * log (verdict, part, defect count), with the ok and nok counts. The same session receives the
     * alarm events of every task: the motor's overheat rule as a NonExclusiveLevelAlarmType with its
     * HighLimit (raise_at_c) and the temperature that raised it (the event log's), the inspection's
     * scratch rule and the reactor's foaming and low-level state rules as OffNormalAlarmType
     * conditions, each with its camera as source, its severity, active, unacknowledged and retained.
     * The client's certificate is trusted beforehand (the admin's move, done before the daemon
     * starts) so that the session starts with the clips.
     */
    @Test
    void subscriptionsSeeMeasuresCountsVerdictsAndEveryTasksAlarmsDuringAReplay() throws Exception {
        int port = Mosquitto.freePort();
        io.linewatch.ops.Users.put(dir.resolve("users"), "operator", io.linewatch.ops.Users.Role.OPERATOR, "s3cret");
        Path pki = dir.resolve("client-pki");
        trustBeforehand(args(port, pki, "s3cret", "connect"), pki);
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
            Map<String, Object> args = args(port, pki, "s3cret", "values");
            args.put("paths", List.of(zoneMax, count, "Cameras/conveyor/Counters/belt-middle/RatePerMinute",
                    parts + "LastPartId", parts + "LastVerdict", parts + "LastPart", parts + "LastDefectCount",
                    parts + "Ok", parts + "Nok"));
            args.put("seconds", 10);
            args.put("events", true);
            args.put("expect", List.of("motor-overheat", "scratch", "foaming", "low-level"));
            args.put("maxSeconds", 75); // a whole loop of the longest clip (45 s) after a late start
            lines = NodeOpcua.run(args, 180);
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
        assertEveryTasksAlarms(lines);
    }

    /** The thermal limit alarm, a defect and two state conditions, as the plant example's clips raise them. */
    private void assertEveryTasksAlarms(List<JsonNode> lines) throws Exception {
        JsonNode overheat = raised(lines, "motor-overheat", "motor", 700);
        assertThat(overheat.path("EventType").asText()).as("NonExclusiveLevelAlarmType").contains("i=10060");
        assertThat(overheat.path("HighLimit").asDouble()).as("HighLimit: raise_at_c").isEqualTo(80.0);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("raised: frame max (\\d+\\.\\d)$")
                .matcher(overheat.path("Message").asText());
        assertThat(m.find()).as("the temperature in %s", overheat.path("Message").asText()).isTrue();
        double valueC = Double.parseDouble(m.group(1));
        assertThat(valueC).as("what raised it, degrees C").isGreaterThanOrEqualTo(80.0);
        List<Double> logged = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if ("motor-overheat".equals(e.path("rule").asText()) && "raised".equals(e.path("type").asText())) {
                logged.add(e.path("value").asDouble()); // to 0.01

            }
        }
        assertThat(logged).as("the raised events' temperatures in the event log, one of them %s", valueC)
                .anyMatch(v -> Math.abs(v - valueC) <= 0.051);

        assertThat(raised(lines, "scratch", "inspection", 600).path("Message").asText()).matches(".* raised: [1-9]\\d* defect\\(s\\)");
        assertThat(raised(lines, "foaming", "reactor", 600).path("Message").asText())
                .matches(".* raised: glass_[ab] foaming [01]\\.\\d\\d");
        assertThat(raised(lines, "low-level", "reactor", 600).path("Message").asText())
                .as("low level is in glass b only").contains("raised: glass_b low_level");
    }

    /** The first event that made {@code rule}'s condition on {@code camera} active, checked as a fresh alarm. */
    private static JsonNode raised(List<JsonNode> lines, String rule, String camera, int severity) {
        JsonNode e = NodeOpcua.of(lines, "event").stream()
                .filter(x -> rule.equals(x.path("ConditionName").asText()) && x.path("ActiveState.Id").asBoolean())
                .findFirst().orElseThrow(() -> new AssertionError("no active event of " + rule + " in "
                        + NodeOpcua.of(lines, "event").stream().map(x -> x.path("ConditionName").asText()).distinct().toList()));
        if (!rule.equals("motor-overheat")) {
            assertThat(e.path("EventType").asText()).as("%s: OffNormalAlarmType", rule).contains("i=10637");
        }
        assertThat(e.path("SourceName").asText()).as("%s: source", rule).isEqualTo(camera);
        assertThat(e.path("Severity").asInt()).as("%s: severity", rule).isEqualTo(severity);
        assertThat(e.path("Retain").asBoolean()).as("%s: retained", rule).isTrue();
        assertThat(e.path("AckedState.Id").asBoolean()).as("%s: unacknowledged", rule).isFalse();
        return e;
    }

    /**
     * A restart of the server keeps its application instance certificate (state_dir): a client that
     * trusted the server once (its own trust list, on first sight) connects again after the restart
     * with unknown server certificates refused, and sees the same thumbprint. Before and after, the
     * site's Heartbeat advances between two reads, and the camera's Dropped values are the daemon's
     * counts: the shipped clip as a live camera at ten times its rate, more than the engine infers,
     * sheds frames (too old, backlog).
     */
    @Test
    void theCertificateOutlivesARestartAndHeartbeatAndDropsAreLive() throws Exception {
        int port = Mosquitto.freePort();
        io.linewatch.ops.Users.put(dir.resolve("users"), "operator", io.linewatch.ops.Users.Role.OPERATOR, "s3cret");
        Path file = Shipped.exampleConfig(dir, null, "max_frame_age_ms: 500", "max_frame_age_ms: 150");
        Files.writeString(file, Files.readString(file) + opcuaSection(port));
        LinewatchConfig config = ConfigLoader.load(file);
        Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()).withLoad(10, 500));
        OpcUaEndpoint server = OpcUaEndpoint.start(config, pipeline);
        try {
            io.linewatch.pipeline.CameraStats stats = pipeline.stats().get(0);
            pipeline.awaitSources();
            await().atMost(Duration.ofSeconds(30)).until(() -> stats.inferred.get() + stats.dropped() == stats.framesIn.get());
            assertThat(stats.droppedTooOld.get() + stats.droppedBacklog.get()).as("frames shed").isPositive();
            Path pki = dir.resolve("client-pki");
            trust(args(port, pki, "s3cret", "connect"));
            Map<String, Object> read = args(port, pki, "s3cret", "read");
            List<String> drops = List.of("RingFull", "Backlog", "TooLarge", "TooOld", "DecodeError", "Failed");
            List<String> paths = new java.util.ArrayList<>(List.of("Heartbeat"));
            drops.forEach(d -> paths.add("Cameras/conveyor/Dropped/" + d));
            read.put("paths", paths);
            read.put("pauseMillis", 2_500);
            List<JsonNode> before = NodeOpcua.run(read, 120);
            long[] counts = {stats.droppedRingFull.get(), stats.droppedBacklog.get(), stats.droppedTooLarge.get(),
                    stats.droppedTooOld.get(), stats.droppedDecodeError.get(), stats.failed.get()};
            assertLive(before, drops, counts);

            server.close();
            server = OpcUaEndpoint.start(config, pipeline);
            read.put("acceptUnknownServer", false);
            List<JsonNode> after = NodeOpcua.run(read, 120);
            assertThat(NodeOpcua.of(after, "refused")).as("the client that trusted the server before the restart")
                    .isEmpty();
            assertLive(after, drops, counts);
            String thumbprint = NodeOpcua.of(before, "connected").get(0).path("serverThumbprint").asText();
            assertThat(thumbprint).hasSize(40);
            assertThat(NodeOpcua.of(after, "connected").get(0).path("serverThumbprint").asText())
                    .as("the server's certificate after the restart").isEqualTo(thumbprint);
        } finally {
            server.close();
            pipeline.close();
        }
    }

    /** Heartbeat advanced between the two rounds of reads; the second round's drops are {@code counts}. */
    private static void assertLive(List<JsonNode> lines, List<String> drops, long[] counts) {
        assertThat(NodeOpcua.of(lines, "error")).as("client errors").isEmpty();
        assertThat(NodeOpcua.of(lines, "connected")).as("connected: %s", lines).hasSize(1);
        Map<String, JsonNode> first = new HashMap<>();
        Map<String, JsonNode> second = new HashMap<>();
        NodeOpcua.of(lines, "read").forEach(r -> (r.path("round").asInt() == 1 ? first : second)
                .put(r.path("path").asText(), r));
        assertThat(second.get("Heartbeat").path("type").asText()).isEqualTo("DateTime");
        assertThat(java.time.Instant.parse(second.get("Heartbeat").path("value").asText()))
                .as("Heartbeat 2.5 s later").isAfter(java.time.Instant.parse(first.get("Heartbeat").path("value").asText()));
        for (int i = 0; i < drops.size(); i++) {
            JsonNode r = second.get("Cameras/conveyor/Dropped/" + drops.get(i));
            assertThat(r.path("status").asText()).as(drops.get(i)).isEqualTo("Good");
            assertThat(r.path("type").asText()).as(drops.get(i)).isEqualTo("Int64");
            assertThat(r.path("value").asLong()).as("Dropped/%s", drops.get(i)).isEqualTo(counts[i]);
        }
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

    /**
     * Trusts the client before the server runs: the client makes its certificate on a first try
     * (nothing listens yet), and its DER goes where the admin would move it.
     */
    private void trustBeforehand(Map<String, Object> connect, Path pki) throws Exception {
        assertThat(NodeOpcua.of(NodeOpcua.run(connect, 150), "refused")).as("nothing listens yet").hasSize(1);
        java.security.cert.Certificate cert;
        try (var in = Files.newInputStream(pki.resolve("own/certs/client_certificate.pem"))) {
            cert = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Path trusted = Files.createDirectories(dir.resolve("opcua/pki/trusted/certs"));
        Files.write(trusted.resolve("linewatch-test-client.der"), cert.getEncoded());
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
