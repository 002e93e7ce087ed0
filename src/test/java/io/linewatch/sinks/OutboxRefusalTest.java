package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.config.Identity;
import io.linewatch.config.MqttConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.LatencyStats;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alarms the outbox refuses, against a real Mosquitto: the event log holds only accepted alarms (and
 * {@code refused} lines), each camera's refusals are announced by a notice of its own, and the
 * refused numbers are a gap that no later alarm fills, across a full disk and a restart.
 */
class OutboxRefusalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aFullOutboxRefusesAlarmsOfTwoCamerasEachAnnouncedTheLogHoldsOnlyAcceptedOnes() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector consumer = MqttCollector.persistent(broker.url(), "consumer", "linewatch/site/box/+/events")) {
            MqttConfig c = MqttPublisherTest.config(broker.url(), dir.resolve("outbox"), 4096);
            broker.kill();
            Path log = dir.resolve("events.jsonl");
            try (Outbox outbox = Outbox.open(dir.resolve("outbox"), 4096); EventLog events = new EventLog(log)) {
                MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
                AlarmSinkHandler sink = new AlarmSinkHandler(events, null, publisher, new LatencyStats(), null);
                for (int seq = 1; seq <= 10; seq++) {
                    sink.onEvent(frameWith(MqttPublisherTest.alarm("cam1", seq), MqttPublisherTest.alarm("cam2", seq)),
                            seq, true);
                }
                assertThat(outbox.refused.get()).isPositive();
                broker.restart();
                await().atMost(PATIENCE).until(() -> notices(consumer).size() == 2
                        && logged(log, "raised").stream().allMatch(a -> received(consumer, a)));
                publisher.close();
            }
            for (String camera : List.of("cam1", "cam2")) {
                List<Long> accepted = seqs(logged(log, "raised"), camera);
                List<Long> refused = seqs(logged(log, "refused"), camera);
                assertThat(refused).as("%s refused", camera).isNotEmpty();
                assertThat(seqs(received(consumer, "raised"), camera)).isEqualTo(accepted);
                assertThat(union(accepted, refused)).isEqualTo(LongStream.rangeClosed(1, 10).boxed().toList());
                JsonNode notice = notices(consumer).get(camera);
                assertThat(notice.path("refused").asLong()).isEqualTo(refused.size());
                assertThat(notice.path("last_refused_seq").asLong()).isEqualTo(refused.get(refused.size() - 1));
            }
            assertThat(logged(log, "refused")).allMatch(n -> !n.has("id") && n.has("refused_id"));
        }
    }

    @Test
    void anAlarmRefusedForAFullDiskIsAnnouncedWhenTheDiskFreesOrAfterARestartAndItsSeqNeverReused()
            throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector consumer = MqttCollector.persistent(broker.url(), "consumer", "linewatch/site/box/+/events")) {
            Path box = dir.resolve("outbox");
            MqttConfig c = MqttPublisherTest.config(broker.url(), box, 1 << 20);
            FailingChannel[] disk = new FailingChannel[1];
            try (Outbox outbox = Outbox.open(box, 1 << 20, file -> disk[0] = new FailingChannel(
                    FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE), Long.MAX_VALUE))) {
                MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
                assertThat(accept(publisher, 1)).isTrue();
                disk[0].allow(0);
                assertThat(accept(publisher, 2)).isFalse();
                assertThat(outbox.lastError()).contains("No space left on device");
                disk[0].allow(Long.MAX_VALUE); // the disk frees up: the notice goes out without a restart
                await().atMost(PATIENCE).until(() -> notices(consumer).containsKey("cam"));
                assertThat(notices(consumer).get("cam").path("last_refused_seq").asLong()).isEqualTo(2);
                assertThat(accept(publisher, 3)).isTrue();
                assertThat(outbox.lastError()).isEmpty();

                disk[0].allow(0); // full again, and the daemon goes away before the notice could be written
                assertThat(accept(publisher, 4)).isFalse();
                publisher.close();
            }
            try (Outbox outbox = Outbox.open(box, 1 << 20)) {
                assertThat(outbox.lastSeq("cam")).as("the refused 4 is not given again").isEqualTo(4);
                MqttPublisher publisher = MqttPublisher.start(c, new Identity("site", "box"), outbox);
                await().atMost(PATIENCE).until(() -> notices(consumer).get("cam").path("refused").asLong() == 2);
                assertThat(notices(consumer).get("cam").path("last_refused_seq").asLong()).isEqualTo(4);
                await().atMost(PATIENCE).until(() -> outbox.waitingCount() == 0);
                publisher.close();
            }
            try (Outbox outbox = Outbox.open(box, 1 << 20)) {
                assertThat(outbox.unannounced()).as("announced once, not at every start").isEmpty();
            }
            assertThat(seqs(received(consumer, "raised"), "cam")).containsExactly(1L, 3L);
        }
    }

    private static boolean accept(MqttPublisher publisher, long seq) {
        AlarmEvent a = MqttPublisherTest.alarm("cam", seq);
        return publisher.acceptAlarm(a, AlarmJson.toJson(a, null));
    }

    private static FrameEvent frameWith(AlarmEvent... alarms) {
        FrameEvent e = new FrameEventFactory(1, 3, 1, new int[] {6}, 1).newInstance();
        e.alarms.addAll(List.of(alarms));
        return e;
    }

    private static List<JsonNode> logged(Path log, String type) {
        try {
            return Files.readAllLines(log).stream().map(OutboxRefusalTest::parse)
                    .filter(n -> n.path("type").asText().equals(type)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> received(MqttCollector consumer, String type) {
        return consumer.payloads().stream().map(OutboxRefusalTest::parse)
                .filter(n -> n.path("type").asText().equals(type)).toList();
    }

    private static boolean received(MqttCollector consumer, JsonNode alarm) {
        return received(consumer, "raised").stream().anyMatch(n -> n.path("id").equals(alarm.path("id")));
    }

    /** The latest overflow notice received for each camera. */
    private static Map<String, JsonNode> notices(MqttCollector consumer) {
        return received(consumer, "overflow").stream()
                .collect(Collectors.toMap(n -> n.path("camera").asText(), n -> n, (a, b) -> b));
    }

    private static List<Long> seqs(List<JsonNode> nodes, String camera) {
        return nodes.stream().filter(n -> n.path("camera").asText().equals(camera))
                .map(n -> n.path("seq").asLong()).distinct().sorted().toList();
    }

    private static List<Long> union(List<Long> a, List<Long> b) {
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        return all.stream().sorted().toList();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
