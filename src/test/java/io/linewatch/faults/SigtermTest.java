package io.linewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.sinks.Outbox;
import io.linewatch.testing.Daemon;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon ({@code linewatch run} in a child JVM) replays the conveyor clip at its own rate and is
 * stopped with SIGTERM in the middle, as {@code systemctl stop} does, while the broker is away: it
 * exits 0 within the unit's stop timeout (30 s), and every alarm it accepted (every line of its
 * event log, alarms raised while the ring drained included) either reached the consumer before the
 * broker went away or waits in the outbox, and the next start delivers those.
 */
class SigtermTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sigtermMidReplayLosesNoAcceptedAlarm() throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            MqttCollector consumer = MqttCollector.persistent(broker.url(), "scada", "linewatch/+/+/+/events");
            Path config = Shipped.exampleConfig(dir, broker.url());
            Path events = dir.resolve("events.jsonl");
            try {
                Process first = daemon(config, "first");
                // Alarms reach the consumer while the broker is up ...
                await().atMost(PATIENCE).until(() -> consumer.payloads().size() >= 2 || !first.isAlive());
                broker.close(); // a clean stop: the consumer's session is saved and waits for it
                // ... and wait in the outbox once it is away.
                long before = lines(events);
                await().atMost(PATIENCE).until(() -> lines(events) >= before + 2 || !first.isAlive());
                assertThat(first.isAlive()).as("still replaying when stopped: %s", logOf("first")).isTrue();

                long stopAt = System.nanoTime();
                first.destroy(); // SIGTERM
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("within the unit's TimeoutStopSec").isTrue();
                long stopMillis = (System.nanoTime() - stopAt) / 1_000_000;
                assertThat(first.exitValue()).as(logOf("first")).isZero();

                EventLogCheck accepted = EventLogCheck.read(events);
                Set<String> waiting = waitingAlarmIds(dir.resolve("outbox"));
                Set<String> notReceived = accepted.missingFrom(consumer.payloads());
                assertThat(notReceived).as("alarms accepted while the broker was away").isNotEmpty();
                assertThat(waiting).as("every accepted alarm not received waits in the outbox")
                        .containsAll(notReceived);

                broker.restart();
                Process second = daemon(config, "second");
                try {
                    // Delivered from the outbox while the models load; a SIGTERM then still drains and exits 0.
                    await().atMost(PATIENCE).until(() -> accepted.missingFrom(consumer.payloads()).isEmpty()
                            || !second.isAlive());
                    assertThat(accepted.missingFrom(consumer.payloads())).as(logOf("second")).isEmpty();
                    second.destroy();
                    assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(second.exitValue()).as(logOf("second")).isZero();
                } finally {
                    second.destroyForcibly();
                }
                assertThat(EventLogCheck.seqsOf(consumer.payloads(), "conveyor"))
                        .containsAll(EventLogCheck.oneTo(accepted.size()));
                System.out.printf("sigterm: %d alarms accepted before the exit (%d in the outbox at the exit),"
                        + " stopped in %d ms, all delivered by the next start%n", accepted.size(), notReceived.size(),
                        stopMillis);
            } finally {
                consumer.close();
            }
        }
    }

    /** Ids of the alarms waiting in an outbox the daemon left. */
    private static Set<String> waitingAlarmIds(Path outboxDir) throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        try (Outbox outbox = Outbox.open(outboxDir, 64 << 20)) {
            for (Outbox.Message m : outbox.waitingAfter(0, Integer.MAX_VALUE)) {
                if (m.kind() == Outbox.Kind.ALARM) {
                    ids.add(JSON.readTree(m.payload()).path("id").asText());
                }
            }
        }
        return ids;
    }

    private Process daemon(Path config, String name) throws IOException {
        return Daemon.command(dir, dir.resolve(name + ".log"), "run", "--config", config.toString()).start();
    }

    private String logOf(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private static long lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }
}
