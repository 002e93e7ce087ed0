package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import io.linewatch.config.MqttConfig;
import io.linewatch.config.OutboxConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.SourceState;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.TcpRelay;
import io.linewatch.testing.MqttCollector;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher against a real Mosquitto: delivery through outages, availability, camera states. */
class MqttPublisherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    static MqttConfig config(String url, Path outboxDir, long maxBytes) {
        return MqttConfig.defaults().withUrl(url).withOutbox(new OutboxConfig(outboxDir.toString(), maxBytes));
    }

    /** A publisher for site/box on {@code outbox}, connected to its broker. */
    private static MqttPublisher connected(MqttConfig c, Outbox outbox) throws Exception {
        MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
        assertThat(publisher.awaitConnected(10_000)).isTrue();
        return publisher;
    }

    static AlarmEvent alarm(String camera, long seq) {
        return new AlarmEvent(UUID.randomUUID().toString(), AlarmEvent.Type.RAISED, "site", "box", camera, seq,
                Instant.now(), seq * 10, "rule", 640, 360,
                new AlarmEvent.DetectionDetail("foreign_object", 0.9f, new float[] {1, 2, 3, 4}));
    }

    static long seqOf(String json) throws Exception {
        return JSON.readTree(json).path("seq").asLong();
    }

    @Test
    void closingGivesUpDrainingAfterTenSecondsWhenTheBrokerStopsAnsweringAndKeepsTheRest() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker")); TcpRelay link = new TcpRelay(broker.port())) {
            MqttConfig c = config("tcp://127.0.0.1:" + link.port(), dir.resolve("outbox"), OutboxConfig.DEFAULT_MAX_BYTES);
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = connected(c, outbox);
                link.freeze(); // connected, but nothing is acknowledged any more
                for (int seq = 1; seq <= 5; seq++) {
                    AlarmEvent a = alarm("cam", seq);
                    assertThat(publisher.acceptAlarm(a, AlarmJson.toJson(a, null))).isTrue();
                }
                long start = System.nanoTime();
                publisher.close();
                long closeMillis = (System.nanoTime() - start) / 1_000_000;
                // The drain's 10 s, then at most 2 s each for the 'stopped' message and the disconnect.
                assertThat(closeMillis).as("close waits for the drain cap, and not much longer")
                        .isBetween(MqttPublisher.DRAIN_TIMEOUT_MILLIS - 500, MqttPublisher.DRAIN_TIMEOUT_MILLIS + 6_000);
                assertThat(outbox.waitingCount()).as("kept for the next start").isEqualTo(5);
            }
        }
    }

    @Test
    void alarmsAcceptedWhileTheBrokerIsDownArriveInOrderWhenItIsBack() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector consumer = MqttCollector.persistent(broker.url(), "consumer", "linewatch/site/box/+/events")) {
            MqttConfig c = config(broker.url(), dir.resolve("outbox"), OutboxConfig.DEFAULT_MAX_BYTES);
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = connected(c, outbox);
                broker.kill();
                for (int seq = 1; seq <= 20; seq++) {
                    AlarmEvent a = alarm("cam", seq);
                    assertThat(publisher.acceptAlarm(a, AlarmJson.toJson(a, null))).isTrue();
                }
                assertThat(outbox.waitingCount()).isEqualTo(20);
                broker.restart();
                await().atMost(PATIENCE).until(() -> consumer.payloads().size() >= 20);
                await().atMost(PATIENCE).until(() -> outbox.waitingCount() == 0);
                publisher.close();
            }
            List<Long> seqs = consumer.payloads().stream().map(p -> {
                try {
                    return seqOf(p);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            // Nothing was sent before the kill, so nothing is redelivered: each alarm exactly once, in order.
            assertThat(seqs).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
            assertThat(consumer.topics()).containsOnly("linewatch/site/box/cam/events");
        }
    }

    @Test
    void availabilityIsRetainedOnlineThenStoppedAndStatesAreRetainedPerCamera() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            MqttConfig c = config(broker.url(), dir.resolve("outbox"), OutboxConfig.DEFAULT_MAX_BYTES);
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = connected(c, outbox);
                publisher.onStateChange("cam1", SourceState.CONNECTING, "");
                publisher.onStateChange("cam1", SourceState.STREAMING, "");
                publisher.onStateChange("cam2", SourceState.STALLED, "no frame for 3000 ms");
                await().atMost(PATIENCE).until(() -> outbox.waitingCount() == 0);

                // A consumer that arrives later sees the retained values: the daemon is online, the
                // last state of each camera.
                try (MqttCollector late = new MqttCollector(broker.url(), "linewatch/site/box/#")) {
                    await().atMost(PATIENCE).until(() -> late.payloads().size() >= 3);
                    assertThat(late.payloadsOn("linewatch/site/box/availability")).containsExactly("online");
                    JsonNode cam1 = JSON.readTree(late.payloadsOn("linewatch/site/box/cam1/state").get(0));
                    assertThat(cam1.path("state").asText()).isEqualTo("streaming");
                    assertThat(cam1.path("schema").asText()).isEqualTo("linewatch.state.v1");
                    JsonNode cam2 = JSON.readTree(late.payloadsOn("linewatch/site/box/cam2/state").get(0));
                    assertThat(cam2.path("state").asText()).isEqualTo("stalled");
                    assertThat(cam2.path("reason").asText()).isEqualTo("no frame for 3000 ms");
                }
                publisher.close();
            }
            try (MqttCollector after = new MqttCollector(broker.url(), "linewatch/site/box/availability")) {
                await().atMost(PATIENCE).until(() -> !after.payloads().isEmpty());
                assertThat(after.payloads()).containsExactly("stopped");
            }
        }
    }

    /**
     * A broker that crashes after acknowledging a state but before saving it comes back without it
     * (here: its save removed before the restart). The publisher states each camera again on the
     * reconnect, so a late consumer still finds each camera's last state, with its own {@code since}.
     */
    @Test
    void statesLostByABrokerCrashAreStatedAgainOnReconnect() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            MqttConfig c = config(broker.url(), dir.resolve("outbox"), OutboxConfig.DEFAULT_MAX_BYTES);
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = connected(c, outbox);
                publisher.onStateChange("cam1", SourceState.STREAMING, "");
                publisher.onStateChange("cam2", SourceState.STREAMING, "");
                publisher.onStateChange("cam2", SourceState.STOPPED, "end of file");
                await().atMost(PATIENCE).until(() -> outbox.waitingCount() == 0);
                String stoppedBefore;
                try (MqttCollector before = new MqttCollector(broker.url(), "linewatch/site/box/cam2/state")) {
                    await().atMost(PATIENCE).until(() -> !before.payloads().isEmpty());
                    stoppedBefore = before.payloads().get(0);
                }

                broker.kill();
                java.nio.file.Files.deleteIfExists(dir.resolve("broker/data/mosquitto.db"));
                long connectionsBefore = publisher.connections.get();
                broker.restart();
                await().atMost(PATIENCE).until(() -> publisher.connections.get() > connectionsBefore);

                try (MqttCollector late = new MqttCollector(broker.url(), "linewatch/site/box/+/state")) {
                    await().atMost(PATIENCE).until(() -> late.payloads().size() >= 2);
                    assertThat(JSON.readTree(late.payloadsOn("linewatch/site/box/cam1/state").get(0))
                            .path("state").asText()).isEqualTo("streaming");
                    assertThat(late.payloadsOn("linewatch/site/box/cam2/state")).containsExactly(stoppedBefore);
                }
                publisher.close();
            }
        }
    }

    @Test
    void aFullOutboxRefusesAlarmsAndSaysSoWithAnOverflowNotice() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector consumer = MqttCollector.persistent(broker.url(), "consumer", "linewatch/site/box/+/events")) {
            MqttConfig c = config(broker.url(), dir.resolve("outbox"), 4096);
            broker.kill();
            int accepted = 0;
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), c.outbox().maxBytes())) {
                MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
                for (int seq = 1; seq <= 20; seq++) {
                    AlarmEvent a = alarm("cam", seq);
                    accepted += publisher.acceptAlarm(a, AlarmJson.toJson(a, null)) ? 1 : 0;
                }
                assertThat(accepted).isBetween(1, 19);
                assertThat(outbox.refused.get()).isEqualTo(20 - accepted);
                broker.restart();
                int expected = accepted + 1;
                await().atMost(PATIENCE).until(() -> consumer.payloads().size() >= expected);
                publisher.close();
            }
            List<JsonNode> received = consumer.payloads().stream().map(p -> {
                try {
                    return JSON.readTree(p);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            JsonNode notice = received.stream().filter(n -> n.path("type").asText().equals("overflow")).findFirst()
                    .orElseThrow();
            assertThat(notice.path("refused").asLong()).isEqualTo(20 - accepted);
            assertThat(notice.path("last_refused_seq").asLong()).isEqualTo(20);
            assertThat(received.stream().filter(n -> n.path("type").asText().equals("raised"))
                    .map(n -> n.path("seq").asLong()).distinct().count()).isEqualTo(accepted);
        }
    }
}
