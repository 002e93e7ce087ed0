package io.linewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;

import io.linewatch.testing.Daemon;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import io.linewatch.testing.SparkplugDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon is killed (SIGKILL) mid-replay, as a crash or a power cut of the process would, and
 * started again: every alarm it accepted before the kill reaches the consumer after the restart,
 * and sequence numbers go on without a gap. The daemon runs as a child JVM, so the kill is real.
 */
class DaemonKillTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void alarmsAcceptedBeforeAKillReachTheConsumerAfterTheRestart() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            MqttCollector consumer = MqttCollector.persistent(broker.url(), "scada", "linewatch/+/+/+/events");
            Path config = Shipped.exampleConfig(dir, broker.url());
            Path events = dir.resolve("events.jsonl");
            try {
                broker.close(); // a clean stop: the consumer's session is saved and waits for it
                Process first = daemon(config, "first");
                await().atMost(PATIENCE).until(() -> lines(events) >= 4 || !first.isAlive());
                assertThat(first.isAlive()).as("still replaying when killed: %s", logOf("first")).isTrue();
                first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                EventLogCheck beforeKill = EventLogCheck.read(events);

                broker.restart();
                Process second = daemon(config, "second");
                assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(second.exitValue()).isZero();
                await().atMost(PATIENCE).until(() -> beforeKill.missingFrom(consumer.payloads()).isEmpty());

                EventLogCheck all = EventLogCheck.read(events);
                await().atMost(PATIENCE).until(() -> all.missingFrom(consumer.payloads()).isEmpty());
                assertThat(EventLogCheck.seqsOf(consumer.payloads(), "conveyor"))
                        .containsExactlyElementsOf(EventLogCheck.oneTo(all.size()));
                System.out.printf("daemon kill: %d alarms accepted before the kill, %d in all, %d received, "
                                + "%d duplicates%n", beforeKill.size(), all.size(), consumer.payloads().size(),
                        consumer.payloads().size() - all.size());
            } finally {
                consumer.close();
            }
        }
    }

    @Test
    void aKilledDaemonIsOfflineForItsConsumers() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector consumer = new MqttCollector(broker.url(), "linewatch/plant1/box1/availability")) {
            Process daemon = daemon(Shipped.exampleConfig(dir, broker.url()), "lwt", "--realtime");
            try {
                await().atMost(PATIENCE).until(() -> consumer.payloads().contains("online"));
                daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> consumer.payloads().contains("offline"));
                assertThat(consumer.payloads()).containsExactly("online", "offline");
            } finally {
                daemon.destroyForcibly();
            }
        }
    }

    /**
     * The Sparkplug B edge node's NDEATH is its MQTT Last Will: the daemon is killed (SIGKILL, no
     * chance to say goodbye) after its births, and the broker publishes the NDEATH on its behalf,
     * carrying the bdSeq of the node's last NBIRTH (decoded by npm sparkplug-payload), so that a host
     * marks that session's metrics stale. The bdSeq goes on from the one a previous run left on disk.
     */
    @Test
    void aKilledDaemonsEdgeNodeDiesByItsWillWithItsBirthsBdSeq() throws Exception {
        String prefix = "spBv1.0/plant1/";
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector host = new MqttCollector(broker.url(), "spBv1.0/#")) {
            Path config = Shipped.exampleConfig(dir, broker.url(), "  sparkplug:", "  sparkplug:\n    sample_millis: 200",
                    "    enabled: false\n    # group_id", "    enabled: true\n    # group_id");
            Path bdSeq = Files.createDirectories(dir.resolve("outbox/sparkplug")).resolve("bdseq");
            Files.writeString(bdSeq, "41"); // the last session of a previous run
            Process daemon = daemon(config, "spb", "--realtime");
            try {
                await().atMost(PATIENCE).until(() -> host.topics().contains(prefix + "DDATA/box1/conveyor")
                        || !daemon.isAlive());
                assertThat(daemon.isAlive()).as("running when killed: %s", logOf("spb")).isTrue();
                assertThat(host.topics()).as("no death while it runs").doesNotContain(prefix + "NDEATH/box1");
                daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> host.topics().contains(prefix + "NDEATH/box1"));
            } finally {
                daemon.destroyForcibly();
            }
            List<JsonNode> messages = SparkplugDecoder.decode(host.topics(), host.rawPayloads(), dir);
            List<Long> births = messages.stream().filter(m -> m.get("topic").asText().equals(prefix + "NBIRTH/box1"))
                    .map(m -> bdSeqOf(m)).toList();
            List<JsonNode> deaths = messages.stream()
                    .filter(m -> m.get("topic").asText().equals(prefix + "NDEATH/box1")).toList();
            assertThat(births).as("the session's NBIRTHs' bdSeq: one more than the last run's").isNotEmpty()
                    .containsOnly(42L);
            assertThat(deaths).as("the will, published once").hasSize(1);
            assertThat(bdSeqOf(deaths.get(0))).as("the NDEATH's bdSeq").isEqualTo(42L);
            assertThat(messages.get(messages.size() - 1)).as("the last message").isSameAs(deaths.get(0));
            assertThat(Files.readString(bdSeq).strip()).isEqualTo("42");
        }
    }

    private static long bdSeqOf(JsonNode message) {
        for (JsonNode metric : message.get("metrics")) {
            if (metric.get("name").asText().equals("bdSeq")) {
                return metric.get("value").asLong();
            }
        }
        throw new AssertionError("no bdSeq metric in " + message);
    }

    /** {@code linewatch replay --config FILE} in a child JVM with this test's class path. */
    private Process daemon(Path config, String name, String... more) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("replay", "--config", config.toString()));
        args.addAll(List.of(more));
        return Daemon.command(dir, dir.resolve(name + ".log"), args.toArray(String[]::new)).start();
    }

    private String logOf(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }
}
