package io.linewatch.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.testing.Daemon;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox on a small tmpfs, as a user met it: the disk fills while the broker is up, the broker
 * stops and the disk frees, the daemon is killed (SIGKILL) and started again with the broker back.
 * Every alarm in the event log is received, every refused alarm is announced and its {@code seq} is
 * a gap, no {@code seq} is given twice, and no valid journal record is cut. Needs {@code mount -t
 * tmpfs} (CI runs as root); skipped with the reason where that is not permitted.
 */
class OutboxDiskFullScenarioTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void aDiskThatFillsAndFreesLosesNoAcceptedAlarmAndHidesNoRefusedOne() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("disk"));
        mountTmpfs(disk, "2m");
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector consumer = MqttCollector.persistent(broker.url(), "scada", "linewatch/+/+/+/events")) {
            Path events = dir.resolve("events.jsonl");
            String outbox = "dir: " + dir.resolve("outbox") + " ";
            Path looping = Shipped.exampleConfig(dir, broker.url(), outbox, "dir: " + disk.resolve("outbox") + " ",
                    "loop: false", "loop: true");
            Process first = daemon(looping, "first");
            try {
                await().atMost(PATIENCE).until(() -> lines(events, "raised") >= 2 || !first.isAlive());
                Path filler = fill(disk);
                await().atMost(PATIENCE).until(() -> lines(events, "refused") >= 2 || !first.isAlive());
                broker.close();
                Files.delete(filler);
                long acceptedBefore = lines(events, "raised");
                await().atMost(PATIENCE).until(() -> lines(events, "raised") >= acceptedBefore + 2 || !first.isAlive());
                assertThat(first.isAlive()).as("still running when killed: %s", logOf("first")).isTrue();
            } finally {
                first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }

            broker.restart();
            Files.move(looping, dir.resolve("looping.yaml"));
            Path once = Shipped.exampleConfig(dir, broker.url(), outbox, "dir: " + disk.resolve("outbox") + " ");
            Process second = daemon(once, "second");
            assertThat(second.waitFor(180, TimeUnit.SECONDS)).as("second run ends").isTrue();
            assertThat(second.exitValue()).as(logOf("second")).isZero();

            EventLogCheck accepted = EventLogCheck.read(events);
            await().atMost(PATIENCE).until(() -> accepted.missingFrom(consumer.payloads()).isEmpty());
            List<JsonNode> refused = logged(events, "refused");
            List<JsonNode> received = consumer.payloads().stream().map(OutboxDiskFullScenarioTest::parse).toList();
            Set<Long> receivedSeqs = new HashSet<>();
            Map<Long, String> idBySeq = new HashMap<>();
            for (JsonNode n : received) {
                if (n.has("seq")) {
                    receivedSeqs.add(n.path("seq").asLong());
                    String before = idBySeq.putIfAbsent(n.path("seq").asLong(), n.path("id").asText());
                    assertThat(before == null || before.equals(n.path("id").asText()))
                            .as("seq %s given to two alarms", n.path("seq")).isTrue();
                }
            }
            long lastRefusedSeq = refused.get(refused.size() - 1).path("seq").asLong();
            assertThat(refused).allMatch(r -> !receivedSeqs.contains(r.path("seq").asLong()));
            JsonNode notice = received.stream().filter(n -> n.path("type").asText().equals("overflow"))
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no overflow notice received"));
            assertThat(notice.path("refused").asLong()).isEqualTo(refused.size());
            assertThat(notice.path("last_refused_seq").asLong()).isEqualTo(lastRefusedSeq);
            assertThat(receivedSeqs).as("numbers go on past the refused ones").anyMatch(s -> s > lastRefusedSeq);
            for (String run : List.of("first", "second")) {
                assertThat(logOf(run)).as("no record cut or skipped in %s", run).doesNotContain(" cut ")
                        .doesNotContain("damaged bytes");
            }
            System.out.printf("outbox disk full: %d alarms accepted (all received), %d refused (seq %s), notice %s%n",
                    accepted.size(), refused.size(), refused.stream().map(r -> r.path("seq").asLong()).toList(),
                    notice);
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    private static void mountTmpfs(Path at, String size) throws Exception {
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString());
        Assumptions.assumeTrue(out.isEmpty(), "mount -t tmpfs is not permitted here (CI runs as root): " + out);
    }

    /** Runs a command; returns its output when it failed, else an empty string. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    }

    /** Fills the file system of {@code dir} with one file, up to "No space left on device". */
    private static Path fill(Path dir) throws IOException {
        Path filler = dir.resolve("filler");
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            return filler;
        }
    }

    private Process daemon(Path config, String name) throws IOException {
        return Daemon.command(dir, dir.resolve(name + ".log"), "replay", "--config", config.toString()).start();
    }

    private String logOf(String name) throws IOException {
        Path log = dir.resolve(name + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static long lines(Path events, String type) {
        return logged(events, type).size();
    }

    private static List<JsonNode> logged(Path events, String type) {
        try {
            if (!Files.exists(events)) {
                return List.of();
            }
            return Files.readAllLines(events).stream().filter(l -> !l.isBlank()).map(OutboxDiskFullScenarioTest::parse)
                    .filter(n -> n.path("type").asText().equals(type)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
