package io.linewatch.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.sinks.Acknowledgements;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.milo.opcua.sdk.server.model.objects.AlarmConditionTypeNode;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What OPC UA clients see of an acknowledgement made in the console: the pipeline's shared
 * {@link Acknowledgements} (what the console's POST calls) acknowledges the shipped conveyor clip's
 * first foreign-object alarm, and the rule's condition in the server's address space turns
 * acknowledged, with the console's user and comment, while it stays active and retained. (A
 * node-opcua client would first need its certificate trusted, which costs minutes here: the
 * server's own node is read instead.)
 */
class ConsoleAcknowledgementTest {

    @TempDir
    Path dir;

    @Test
    void anAlarmAcknowledgedFromTheConsoleTurnsItsConditionAcknowledged() throws Exception {
        Path file = Shipped.exampleConfig(dir, null);
        Files.writeString(file, Files.readString(file) + "\nopcua:\n  enabled: true\n  bind: 127.0.0.1\n  port: "
                + Mosquitto.freePort() + "\n  state_dir: " + dir.resolve("opcua") + "\n");
        LinewatchConfig config = ConfigLoader.load(file);
        Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.realtime()));
        OpcUaEndpoint server = OpcUaEndpoint.start(config, pipeline);
        try {
            AlarmConditionTypeNode condition = condition(server, "plant1/Cameras/conveyor/Rules/foreign-object-on-belt");
            assertThat(condition.getAckedStateNode().getId()).as("nothing raised yet").isTrue();
            // The condition's latest raise, taken while it is active and waits (a busy machine drops
            // frames, and a track may end and start anew): acknowledged as the console would.
            Acknowledgements.Acknowledged ack = await("an open foreign-object alarm acknowledged")
                    .atMost(Duration.ofSeconds(60)).until(() -> acknowledgeWaiting(pipeline, condition), a -> a != null);
            assertThat(ack.via()).isEqualTo("console");

            await("acknowledged in OPC UA").atMost(Duration.ofSeconds(10))
                    .until(() -> condition.getAckedStateNode().getId());
            assertThat(condition.getClientUserId()).isEqualTo("otto");
            assertThat(condition.getComment().text()).isEqualTo("seen on the console");
            assertThat(condition.getMessage().text()).contains("acknowledged by otto (console)");
            assertThat(condition.getActiveStateNode().getId()).as("still active").isTrue();
            assertThat(condition.getRetain()).as("retained while active").isTrue();
        } finally {
            server.close();
            pipeline.close();
        }
    }

    /** Acknowledges the latest raise when the condition is active and waits; null when it does not, or it cleared meanwhile. */
    private static Acknowledgements.Acknowledged acknowledgeWaiting(Pipeline pipeline, AlarmConditionTypeNode condition) {
        if (condition.getAckedStateNode().getId() || !condition.getActiveStateNode().getId()) {
            return null;
        }
        java.util.List<String> raised = pipeline.alarmFeed().recent().stream()
                .filter(j -> j.contains("\"type\":\"raised\"")).toList();
        String id = raised.get(raised.size() - 1).replaceFirst(".*?\"id\":\"([^\"]+)\".*", "$1");
        try {
            return pipeline.acknowledgements().acknowledge(id, "otto", "seen on the console",
                    Acknowledgements.Via.CONSOLE);
        } catch (Acknowledgements.Refused e) {
            return null;
        }
    }

    private static AlarmConditionTypeNode condition(OpcUaEndpoint endpoint, String path) {
        var server = endpoint.server();
        var ns = server.getNamespaceTable().getIndex("urn:linewatch:plant1:box1");
        return (AlarmConditionTypeNode) server.getAddressSpaceManager()
                .getManagedNode(new NodeId(ns, path)).orElseThrow();
    }
}
