package io.linewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.Playback;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While two cameras replay the shipped clip, Mosquitto is killed (SIGKILL) and restarted again and
 * again. A consumer with a persistent session must receive every alarm in the event log, with no
 * gap in any camera's sequence numbers (redelivery after a kill may repeat or reorder some, so the
 * distinct numbers are compared). The replay is deterministic: each camera raises exactly one alarm
 * per appearance of a foreign object, kills or not. The broker stays up until the publisher has had
 * an alarm acknowledged and has saved its persistence since, and down until an alarm has been
 * accepted while it was away.
 */
class BrokerKillTest {

    /** Longest wait for an alarm to be accepted (broker down) or acknowledged (broker up); then the kill goes on. */
    private static final long PHASE_MAX_MILLIS = 3_000;

    @TempDir
    Path dir;

    @Test
    void everyLoggedAlarmReachesTheConsumerThroughRepeatedBrokerKills() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector consumer = MqttCollector.persistent(broker.url(), "scada", "linewatch/+/+/+/events")) {
            LinewatchConfig config = twoCameras(ConfigLoader.load(Shipped.exampleConfig(dir, broker.url())));
            Pipeline pipeline = Pipeline.start(config, Pipeline.Options.replay(Playback.asFastAsPossible()));
            List<Long> reconnectMillis = new ArrayList<>();
            int kills;
            try {
                kills = killRepeatedly(broker, pipeline, reconnectMillis);
            } finally {
                pipeline.close();
            }
            EventLogCheck log = EventLogCheck.read(dir.resolve("events.jsonl"));
            await().atMost(Duration.ofSeconds(30)).until(() -> log.missingFrom(consumer.payloads()).isEmpty());

            assertThat(kills).isGreaterThanOrEqualTo(3);
            long appearances = new ObjectMapper().readTree(Shipped.APPEARANCES.toFile()).get("appearances").size();
            assertThat(log.missingFrom(consumer.payloads())).isEmpty();
            for (String camera : List.of("line-a", "line-b")) {
                assertThat(log.countFor(camera, "raised")).as("alarms raised on " + camera).isEqualTo(appearances);
                assertThat(log.countFor(camera)).as("events of " + camera + " against line-a's")
                        .isEqualTo(log.countFor("line-a"));
                assertThat(EventLogCheck.seqsOf(consumer.payloads(), camera)).as("seq of " + camera)
                        .containsExactlyElementsOf(EventLogCheck.oneTo(log.countFor(camera)));
            }
            // Capture's state changes went out too: a late consumer finds each camera's last state retained.
            try (MqttCollector late = new MqttCollector(broker.url(), "linewatch/+/+/+/state")) {
                await().atMost(Duration.ofSeconds(10)).until(() -> late.payloads().size() >= 2);
                assertThat(late.topics()).containsExactlyInAnyOrder("linewatch/plant1/box1/line-a/state",
                        "linewatch/plant1/box1/line-b/state");
                assertThat(late.payloads()).allMatch(p -> p.contains("\"state\":\"stopped\""));
            }
            System.out.printf("broker kill: %d kills; %d alarms logged, %d received, %d duplicates; "
                            + "reconnect after restart (ms): %s%n", kills, log.size(), consumer.payloads().size(),
                    consumer.payloads().size() - log.size(), reconnectMillis);
        }
    }

    /** Kills and restarts the broker until the cameras are done; returns the number of kills. */
    private static int killRepeatedly(Mosquitto broker, Pipeline pipeline, List<Long> reconnectMillis)
            throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            try {
                pipeline.awaitSources();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            done.set(true);
        });
        waiter.start();
        MqttPublisher mqtt = pipeline.mqtt();
        int kills = 0;
        while (!done.get() || kills < 3) {
            long acknowledgedBefore = mqtt.acknowledged.get();
            waitUntil(() -> done.get() || mqtt.acknowledged.get() > acknowledgedBefore);
            // What the broker acknowledged is on its disk before the kill (as after a real outage).
            java.time.Instant acknowledged = java.time.Instant.now();
            waitUntil(() -> broker.lastSaved().isAfter(acknowledged));
            broker.kill();
            kills++;
            long alarmsBefore = alarms(pipeline);
            waitUntil(() -> done.get() || alarms(pipeline) > alarmsBefore);
            long connectionsBefore = mqtt.connections.get();
            broker.restart();
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).until(() -> mqtt.connections.get() > connectionsBefore);
            reconnectMillis.add((System.nanoTime() - restarted) / 1_000_000);
        }
        waiter.join();
        return kills;
    }

    private static long alarms(Pipeline pipeline) {
        return pipeline.stats().stream().mapToLong(s -> s.alarmsRaised.get() + s.alarmsCleared.get()).sum();
    }

    /** A condition that may read a file. */
    private interface Condition {
        boolean holds() throws java.io.IOException;
    }

    /** Polls {@code condition} until it holds or {@link #PHASE_MAX_MILLIS} pass (a phase then simply ends). */
    private static void waitUntil(Condition condition) throws Exception {
        long deadline = System.nanoTime() + PHASE_MAX_MILLIS * 1_000_000;
        while (!condition.holds() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static LinewatchConfig twoCameras(LinewatchConfig c) {
        CameraConfig camera = c.cameras().get(0);
        return c.withCameras(List.of(
                camera.withSource("line-a", camera.source(), CameraConfig.Pacing.FAST),
                camera.withSource("line-b", camera.source(), CameraConfig.Pacing.FAST)));
    }
}
