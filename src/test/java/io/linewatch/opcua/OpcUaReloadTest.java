package io.linewatch.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.testing.Daemon;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.NodeOpcua;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OPC UA address space follows a reload applied in place. The daemon ({@code linewatch run} in
 * a child JVM, so that its own reload wiring and a real SIGHUP are used) replays the looped conveyor
 * clip with OPC UA on; a node-opcua client (not ours), subscribed to the camera's FramesIn and to
 * alarm events, browses the camera's Rules while the config's rule {@code foreign-object-on-belt} is
 * renamed {@code object-on-belt} (one rule removed, one added) and the daemon reloads: the client
 * finds the new rule's condition and not the old one, receives the new rule's alarm event, and its
 * subscription on FramesIn, a node the reload left alone, goes on.
 */
class OpcUaReloadTest {

    private static final String REMOVED = "foreign-object-on-belt";
    private static final String ADDED = "object-on-belt";

    @TempDir
    Path dir;

    @Test
    void aReloadAddsTheNewRulesConditionAndDeletesTheRemovedOne() throws Exception {
        int port = Mosquitto.freePort();
        Path config = Shipped.exampleConfig(dir, null, "loop: false", "loop: true");
        Files.writeString(config, Files.readString(config) + "\nopcua:\n  enabled: true\n  bind: 127.0.0.1\n  port: "
                + port + "\n  state_dir: " + dir.resolve("opcua") + "\n");
        Process daemon = Daemon.command(dir, dir.resolve("daemon.log"), "run", "--config", config.toString()).start();
        try {
            Path pki = dir.resolve("client-pki");
            trust(args(port, pki, "connect"), daemon);
            Map<String, Object> follow = args(port, pki, "reload");
            Path ready = dir.resolve("client-ready");
            follow.put("readyFile", ready.toString());
            CompletableFuture<List<JsonNode>> client = CompletableFuture.supplyAsync(() -> {
                try {
                    return NodeOpcua.run(follow, 120);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ready) || client.isDone());
            assertThat(client.isDone()).as("the client subscribed: %s", client.getNow(null)).isFalse();
            Files.writeString(config, Files.readString(config).replace("- name: " + REMOVED, "- name: " + ADDED));
            new ProcessBuilder("sh", "-c", "kill -HUP " + daemon.pid()).start().waitFor();
            List<JsonNode> lines = client.get(150, TimeUnit.SECONDS);

            assertThat(NodeOpcua.of(lines, "error")).as("client errors").isEmpty();
            List<JsonNode> browses = NodeOpcua.of(lines, "browse");
            assertThat(names(browses.get(0))).as("the camera's rules before the reload").contains(REMOVED)
                    .doesNotContain(ADDED);
            assertThat(names(browses.get(browses.size() - 1))).as("after the reload").contains(ADDED)
                    .doesNotContain(REMOVED);
            JsonNode done = NodeOpcua.of(lines, "done").get(0);
            assertThat(done.path("reloaded").asBoolean()).as("the client saw the reload: %s", lines).isTrue();
            assertThat(NodeOpcua.of(lines, "event")).as("the added rule's alarm, raised after the reload")
                    .anyMatch(e -> ADDED.equals(e.path("ConditionName").asText()) && e.path("ActiveState.Id").asBoolean()
                            && e.path("SourceName").asText().equals("conveyor")
                            && e.path("EventType").asText().contains("i=10637"));
            List<Long> framesAfter = NodeOpcua.of(lines, "value").stream().filter(v -> v.path("reloaded").asBoolean())
                    .peek(v -> assertThat(v.path("status").asText()).isEqualTo("Good"))
                    .map(v -> v.path("value").asLong()).toList();
            assertThat(framesAfter).as("FramesIn, subscribed before the reload, after it").hasSizeGreaterThanOrEqualTo(2)
                    .isSorted();
            assertThat(log()).contains("reload (SIGHUP): alarms added " + ADDED + "; removed " + REMOVED)
                    .doesNotContain("did not follow");

            daemon.destroy(); // SIGTERM
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).as(log()).isZero();
        } finally {
            daemon.destroyForcibly();
        }
    }

    private static List<String> names(JsonNode browse) {
        List<String> names = new java.util.ArrayList<>();
        browse.path("names").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The daemon up, the client's first contact refused, its certificate trusted by the admin, then it connects. */
    private void trust(Map<String, Object> connect, Process daemon) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> !daemon.isAlive() || log().contains("OPC UA server on"));
        assertThat(daemon.isAlive()).as(log()).isTrue();
        assertThat(NodeOpcua.of(NodeOpcua.run(connect, 60), "refused")).as("first contact: not trusted").hasSize(1);
        Path rejected = dir.resolve("opcua/pki/rejected/certs");
        List<Path> certs;
        try (Stream<Path> files = Files.list(rejected)) {
            certs = files.toList();
        }
        assertThat(certs).hasSize(1);
        Files.move(certs.get(0), dir.resolve("opcua/pki/trusted/certs").resolve(certs.get(0).getFileName()));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !NodeOpcua.of(NodeOpcua.run(connect, 60), "connected").isEmpty());
    }

    private Map<String, Object> args(int port, Path pki, String mode) {
        Map<String, Object> args = new HashMap<>();
        args.put("url", "opc.tcp://127.0.0.1:" + port + "/linewatch");
        args.put("pki", pki.toString());
        args.put("mode", mode); // anonymous: the server is bound to loopback
        args.put("namespace", "urn:linewatch:plant1:box1");
        args.put("root", "plant1");
        args.put("camera", "conveyor");
        args.put("added", ADDED);
        args.put("removed", REMOVED);
        args.put("seconds", 60);
        return args;
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("daemon.log"));
    }
}
