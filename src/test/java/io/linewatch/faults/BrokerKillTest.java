package io.linewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While two cameras replay the shipped clip, Mosquitto is killed (SIGKILL) and restarted again and
 * again. A consumer with a persistent session must receive every alarm in the event log, with no
 * gap in any camera's sequence numbers.
 */
@Tag("broker")
class BrokerKillTest {

    private static final long DOWN_MILLIS = 700;
    private static final long UP_MILLIS = 1500;

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
            assertThat(log.size()).as("alarms logged").isGreaterThanOrEqualTo(12);
            assertThat(log.missingFrom(consumer.payloads())).isEmpty();
            for (String camera : List.of("line-a", "line-b")) {
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
            Thread.sleep(UP_MILLIS);
            broker.kill();
            kills++;
            Thread.sleep(DOWN_MILLIS);
            long connectionsBefore = mqtt.connections.get();
            broker.restart();
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).until(() -> mqtt.connections.get() > connectionsBefore);
            reconnectMillis.add((System.nanoTime() - restarted) / 1_000_000);
        }
        waiter.join();
        return kills;
    }

    private static LinewatchConfig twoCameras(LinewatchConfig c) {
        CameraConfig camera = c.cameras().get(0);
        return c.withCameras(List.of(
                camera.withSource("line-a", camera.source(), CameraConfig.Pacing.FAST),
                camera.withSource("line-b", camera.source(), CameraConfig.Pacing.FAST)));
    }
}
