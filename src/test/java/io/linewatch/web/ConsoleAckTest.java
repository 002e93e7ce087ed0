package io.linewatch.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.HttpConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.ops.OpsServer;
import io.linewatch.ops.Users;
import io.linewatch.sinks.Acknowledgements;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's acknowledge is a real acknowledgement: against a pipeline replaying the shipped
 * conveyor clip in real time into a real Mosquitto, an operator's POST of a raised alarm gives
 * exactly one {@code acknowledged} message on MQTT and one line in the event log, naming the user,
 * {@code via: console} and the comment, and an {@code ack} pushed to an open page; a second POST
 * is a 409 and publishes nothing; a viewer gets 403, a comment over 500 characters 413; an alarm that has cleared a 409; an unknown
 * one a 404. An acknowledgement over OPC UA (the same path, called as its Acknowledge does) is
 * pushed to the page too. Started again on the same event log, the daemon's page still shows the alarm
 * acknowledged and refuses it again. The first foreign object (frames 108-219) is raised and cleared before the second
 * (frames 305-353) is raised: about 13 s of the clip (more where a busy machine drops frames).
 */
class ConsoleAckTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATOR = "otto:operator-secret-1";
    private static final String VIEWER = "vera:viewer-secret-1";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private String base;

    @Test
    void anOperatorsAcknowledgementIsPublishedOnceAndPushedToOpenPages() throws Exception {
        Path users = dir.resolve("users");
        Users.put(users, "otto", Users.Role.OPERATOR, "operator-secret-1");
        Users.put(users, "vera", Users.Role.VIEWER, "viewer-secret-1");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector mqtt = new MqttCollector(broker.url(), "linewatch/#")) {
            LinewatchConfig config = ConfigLoader.load(Shipped.exampleConfig(dir, broker.url()));
            Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()));
            OpsServer server = OpsServer.start(new HttpConfig("127.0.0.1", 0, true, users.toString(), null), pipeline,
                    Console.of(config, pipeline));
            base = "http://127.0.0.1:" + server.port();
            List<String> page = new CopyOnWriteArrayList<>();
            String acked;
            try {
                openStream(page);
                JsonNode cleared = await("a foreign object raised and cleared").atMost(Duration.ofSeconds(60))
                        .until(() -> raise(false), a -> a != null);
                HttpResponse<String> late = post(cleared.path("id").asText(), OPERATOR, "");
                assertThat(late.statusCode()).as(late.body()).isEqualTo(409);
                assertThat(late.body()).contains("has cleared");

                JsonNode open = await("a foreign object raised, not cleared").atMost(Duration.ofSeconds(60))
                        .until(() -> raise(true), a -> a != null);
                assertThat(post(open.path("id").asText(), VIEWER, "").statusCode()).as("a viewer").isEqualTo(403);
                assertThat(post(open.path("id").asText(), OPERATOR, "x".repeat(Console.MAX_COMMENT_CHARS + 1))
                        .statusCode()).as("a comment over the limit").isEqualTo(413);
                // On a busy machine a track may end between the read and the POST: then the next one.
                java.util.concurrent.atomic.AtomicReference<String> tried = new java.util.concurrent.atomic.AtomicReference<>();
                HttpResponse<String> ok = await("an operator's acknowledgement").atMost(Duration.ofSeconds(60))
                        .until(() -> {
                            JsonNode raise = raise(true);
                            tried.set(raise == null ? null : raise.path("id").asText());
                            return raise == null ? null : post(tried.get(), OPERATOR, "belt stopped, object removed");
                        }, r -> r != null && (r.statusCode() == 200 || !r.body().contains("has cleared")));
                assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
                acked = tried.get();
                assertThat(ok.body()).isEqualTo("acknowledged " + acked + "\n");
                HttpResponse<String> again = post(acked, OPERATOR, "");
                assertThat(again.statusCode()).isEqualTo(409);
                assertThat(again.body()).startsWith("alarm " + acked + " was already acknowledged by otto (console)");
                assertThat(post("0123456789abcdef", OPERATOR, "").statusCode()).as("an alarm that never was").isEqualTo(404);

                await("the ack pushed to the open page").atMost(Duration.ofSeconds(10)).until(() ->
                        page.stream().anyMatch(l -> l.startsWith("data: ") && l.contains("\"id\":\"" + acked + "\"")
                                && l.contains("\"user\":\"otto\"") && l.contains("\"via\":\"console\"")));
                assertThat(page).filteredOn(l -> l.equals("event: ack")).hasSize(1);
                assertThat(get("/api/alarms", VIEWER).path("acknowledged").toString()).isEqualTo("[\"" + acked + "\"]");

                // OPC UA's Acknowledge takes the same path (it may acknowledge a cleared alarm): the page is told.
                String overOpcUa = cleared.path("id").asText();
                pipeline.acknowledgements().acknowledge(overOpcUa, "olga", "", Acknowledgements.Via.OPCUA);
                await("an OPC UA acknowledgement pushed to the page").atMost(Duration.ofSeconds(10)).until(() ->
                        page.stream().anyMatch(l -> l.contains("\"id\":\"" + overOpcUa + "\"") && l.contains("\"via\":\"opcua\"")));
                HttpResponse<String> afterOpcUa = post(overOpcUa, OPERATOR, "");
                assertThat(afterOpcUa.body()).contains("already acknowledged by olga (opcua)");
                await("the acknowledgement on MQTT").atMost(Duration.ofSeconds(10))
                        .until(() -> acknowledgedOnMqtt(mqtt).size() == 2);
            } finally {
                server.close();
                pipeline.close();
            }
            await("nothing more arrives").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> acknowledgedOnMqtt(mqtt).size() == 2);
            JsonNode ack = JSON.readTree(acknowledgedOnMqtt(mqtt).get(0));
            assertThat(JSON.readTree(acknowledgedOnMqtt(mqtt).get(1)).path("via").asText()).isEqualTo("opcua");
            assertThat(ack.path("alarm_id").asText()).isEqualTo(acked);
            assertThat(ack.path("user").asText()).isEqualTo("otto");
            assertThat(ack.path("via").asText()).isEqualTo("console");
            assertThat(ack.path("comment").asText()).isEqualTo("belt stopped, object removed");
            assertThat(ack.path("rule").asText()).isEqualTo("foreign-object-on-belt");
            List<String> logged = Files.readAllLines(dir.resolve("events.jsonl")).stream()
                    .filter(l -> l.contains("\"type\":\"acknowledged\"")).toList();
            assertThat(logged).hasSize(2);
            assertThat(JSON.readTree(logged.get(0)).path("user").asText()).isEqualTo("otto");
            assertThat(JSON.readTree(logged.get(0)).path("alarm_id").asText()).isEqualTo(acked);

            afterARestart(config, users, acked);
        }
    }

    /** A daemon started again on the same event log: its page shows the alarm acknowledged, and it stays so. */
    private void afterARestart(LinewatchConfig config, Path users, String acked) throws Exception {
        Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()));
        OpsServer server = OpsServer.start(new HttpConfig("127.0.0.1", 0, true, users.toString(), null), pipeline,
                Console.of(config, pipeline));
        base = "http://127.0.0.1:" + server.port();
        try {
            JsonNode recent = get("/api/alarms", VIEWER);
            assertThat(recent.path("alarms").findValuesAsText("id")).as("the alarms of before the restart")
                    .contains(acked);
            assertThat(recent.path("acknowledged").toString()).contains("\"" + acked + "\"");
            JsonNode ack = java.util.stream.StreamSupport.stream(recent.path("acks").spliterator(), false)
                    .filter(a -> a.path("id").asText().equals(acked)).findFirst().orElseThrow();
            assertThat(ack.path("user").asText() + " " + ack.path("via").asText() + " " + ack.path("comment").asText())
                    .as("who acknowledged it, how and why, for a page opened later").isEqualTo("otto console belt stopped,"
                            + " object removed");
            HttpResponse<String> again = post(acked, OPERATOR, "");
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(again.body()).contains("already acknowledged by otto (console)");
        } finally {
            server.close();
            pipeline.close();
        }
        assertThat(Files.readAllLines(dir.resolve("events.jsonl"))).filteredOn(l -> l.contains("\"acknowledged\""))
                .hasSize(2);
    }

    private static List<String> acknowledgedOnMqtt(MqttCollector mqtt) {
        return mqtt.payloads().stream().filter(p -> p.contains("\"type\":\"acknowledged\"")).toList();
    }

    /**
     * A foreign object's raise among the console's recent alarms: one whose track has not cleared
     * since ({@code open}), or one whose track has; null when there is none yet.
     */
    private JsonNode raise(boolean open) throws Exception {
        java.util.Map<Integer, JsonNode> raised = new java.util.HashMap<>();
        JsonNode clearedRaise = null;
        for (JsonNode a : get("/api/alarms", VIEWER).path("alarms")) {
            int track = a.path("track").asInt();
            if (a.path("type").asText().equals("raised")) {
                raised.put(track, a);
            } else if (raised.containsKey(track)) {
                clearedRaise = raised.remove(track);
            }
        }
        return open ? raised.values().stream().findFirst().orElse(null) : clearedRaise;
    }

    /** Reads the alarm stream as a page does, each line into {@code lines}, on a thread of its own. */
    private void openStream(List<String> lines) {
        HttpRequest request = auth(HttpRequest.newBuilder(URI.create(base + "/api/alarms/stream")), VIEWER).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> new Thread(() ->
                StreamSupport.stream(r.body().spliterator(), false).forEach(lines::add), "test-sse").start());
        await("the stream open").atMost(Duration.ofSeconds(10)).until(() -> !lines.isEmpty());
    }

    private JsonNode get(String path, String user) throws Exception {
        HttpResponse<String> r = http.send(auth(HttpRequest.newBuilder(URI.create(base + path)), user).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> post(String id, String user, String comment) throws Exception {
        HttpRequest request = auth(HttpRequest.newBuilder(URI.create(base + "/api/alarms/" + id + "/ack")), user)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(comment)).timeout(Duration.ofSeconds(30)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder auth(HttpRequest.Builder request, String user) {
        return request.header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
    }
}
