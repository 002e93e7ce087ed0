package io.linewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.daemon.Pipeline;
import io.linewatch.testing.Cli;
import io.linewatch.testing.LogLines;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import io.linewatch.testing.TcpRelay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several boxes, one plant: boxes rolled out with the same YAML keep their own broker sessions and
 * topics when their nodes differ, say clearly when they do not, and reach a site broker through
 * Mosquitto bridges (deploy/mosquitto/box-bridge.conf) without losing an alarm while a bridge's link
 * is cut and restored.
 */
class ManyBoxesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BRIDGE_CONF = Path.of("deploy/mosquitto/box-bridge.conf");

    @TempDir
    Path dir;

    private Pipeline box(Path boxDir, String brokerUrl, String node, Playback playback) throws Exception {
        Files.createDirectories(boxDir);
        return Pipeline.start(ConfigLoader.load(Shipped.exampleConfig(boxDir, brokerUrl, "node: box1", "node: " + node)),
                Pipeline.Options.replay(playback));
    }

    @Test
    void twoBoxesWithOneConfigAndTheirOwnNodesShareNoSessionOrTopic() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector consumer = MqttCollector.persistent(broker.url(), "scada", "linewatch/plant1/#")) {
            Pipeline a = box(dir.resolve("a"), broker.url(), "box-a", Playback.asFastAsPossible());
            Pipeline b = box(dir.resolve("b"), broker.url(), "box-b", Playback.asFastAsPossible());
            try {
                a.awaitSources();
                b.awaitSources();
                await().atMost(Duration.ofSeconds(20)).until(() -> a.outbox().waitingCount() == 0
                        && b.outbox().waitingCount() == 0);
                assertThat(a.mqtt().connections.get()).as("box-a's session never taken").isEqualTo(1);
                assertThat(b.mqtt().connections.get()).as("box-b's session never taken").isEqualTo(1);
                assertThat(a.mqtt().clientId()).isEqualTo("linewatch-plant1-box-a");
                Cli.Result site = Cli.run("site", "--broker", broker.url(), "--site", "plant1");
                assertThat(site.exitCode()).isZero();
                assertThat(site.out()).contains("site plant1: 2 boxes").containsPattern("box-a\\s+online")
                        .containsPattern("box-b\\s+online").contains("camera conveyor");
            } finally {
                a.close();
                b.close();
            }
            for (String node : List.of("box-a", "box-b")) {
                EventLogCheck log = EventLogCheck.read(dir.resolve(node.substring(4)).resolve("events.jsonl"));
                List<String> events = eventsOf(consumer, node);
                assertThat(log.size()).isPositive();
                assertThat(log.missingFrom(events)).as(node + "'s alarms, told apart by topic").isEmpty();
                assertThat(EventLogCheck.seqsOf(events, "conveyor")).as(node + "'s seq")
                        .containsExactlyElementsOf(EventLogCheck.oneTo(log.countFor("conveyor")));
                assertThat(events).allMatch(p -> parse(p).path("node").asText().equals(node));
                try (MqttCollector late = new MqttCollector(broker.url(), "linewatch/plant1/" + node + "/availability")) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> !late.payloads().isEmpty());
                    assertThat(late.payloads()).as(node + "'s retained availability").containsExactly("stopped");
                }
            }
        }
    }

    @Test
    void twoBoxesOnOneNodeSayItInOneLineInsteadOfAReconnectStorm() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker")); LogLines log = new LogLines()) {
            Pipeline a = box(dir.resolve("a"), broker.url(), "same", Playback.realtime());
            Pipeline b = box(dir.resolve("b"), broker.url(), "same", Playback.realtime());
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> a.mqtt().sessionTakenOver()
                        || b.mqtt().sessionTakenOver());
                Thread.sleep(5_000); // a storm would go on reconnecting meanwhile
                long connections = a.mqtt().connections.get() + b.mqtt().connections.get();
                assertThat(connections).as("connections of both boxes, a storm makes dozens").isLessThanOrEqualTo(10);
                assertThat(log.containing("another client uses the same client id")).isNotEmpty()
                        .allMatch(l -> l.contains("client id linewatch-plant1-same") && l.contains("give each box its own node"));
                assertThat(log.containing("another client uses the same client id").size()).as("one line per box")
                        .isLessThanOrEqualTo(2);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void aSiteBrokerGetsEveryAlarmOfTwoBridgedBoxesWhileABridgeIsCutAndRestored() throws Exception {
        try (Mosquitto site = Mosquitto.start(dir.resolve("site"));
             TcpRelay linkA = new TcpRelay(site.port());
             TcpRelay linkB = new TcpRelay(site.port());
             Mosquitto boxBrokerA = Mosquitto.start(dir.resolve("broker-a"), bridgeTo(linkA, "box-a"));
             Mosquitto boxBrokerB = Mosquitto.start(dir.resolve("broker-b"), bridgeTo(linkB, "box-b"));
             MqttCollector consumer = MqttCollector.persistent(site.url(), "site-scada", "linewatch/plant1/+/+/events")) {
            Pipeline a = box(dir.resolve("a"), boxBrokerA.url(), "box-a", Playback.realtime().withLoad(2.0, 0));
            Pipeline b = box(dir.resolve("b"), boxBrokerB.url(), "box-b", Playback.realtime().withLoad(2.0, 0));
            try {
                while (a.stats().get(0).framesIn.get() < 950) {
                    Thread.sleep(1_000);
                    linkA.cut();
                    Thread.sleep(1_500);
                    linkA.restore();
                }
                a.awaitSources();
                b.awaitSources();
            } finally {
                a.close();
                b.close();
            }
            assertThat(linkA.cuts()).isGreaterThanOrEqualTo(4);
            for (String node : List.of("box-a", "box-b")) {
                EventLogCheck log = EventLogCheck.read(dir.resolve(node.substring(4)).resolve("events.jsonl"));
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> log.missingFrom(eventsOf(consumer, node)).isEmpty());
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(node + ": " + log.missingFrom(eventsOf(consumer, node)).size() + " of "
                            + log.size() + " alarms never reached the site; box broker log:\n"
                            + tail((node.equals("box-a") ? boxBrokerA : boxBrokerB).log()) + "\nsite log:\n" + tail(site.log()), e);
                }
                assertThat(log.size()).as(node + "'s alarms").isGreaterThanOrEqualTo(6);
                assertThat(EventLogCheck.seqsOf(eventsOf(consumer, node), "conveyor")).as(node + "'s seq at the site")
                        .containsExactlyElementsOf(EventLogCheck.oneTo(log.countFor("conveyor")));
            }
        }
    }

    /** The shipped bridge config, pointed at the site through {@code link}, with a client id of the box's own. */
    private static String[] bridgeTo(TcpRelay link, String node) throws IOException {
        String conf = Files.readString(BRIDGE_CONF)
                .replace("address site-broker.example:1883", "address 127.0.0.1:" + link.port())
                .replace("clientid linewatch-bridge-line1-box", "clientid linewatch-bridge-" + node)
                .replace("keepalive_interval 30", "keepalive_interval 5");
        if (!conf.contains("127.0.0.1:" + link.port()) || !conf.contains("linewatch-bridge-" + node)) {
            throw new IllegalStateException(BRIDGE_CONF + " no longer has the address or clientid line this test sets");
        }
        List<String> lines = new ArrayList<>(List.of("allow_anonymous true")); // the box's own listener: the daemon
        conf.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(lines::add);
        return lines.toArray(String[]::new);
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }

    private static List<String> eventsOf(MqttCollector consumer, String node) {
        List<String> events = new ArrayList<>();
        for (String p : consumer.payloads()) {
            if (p.startsWith("{") && parse(p).path("node").asText().equals(node) && parse(p).has("seq")) {
                events.add(p);
            }
        }
        return events;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
