package io.linewatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.daemon.Pipeline;
import io.linewatch.testing.LogLines;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.SeqOrder;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots that cannot be written: the camera's snapshot folder taken by a file (always runs), and
 * the snapshot folder on a full disk (a tiny tmpfs, filled up; skipped where mounting is not
 * permitted). Each alarm still reaches the event log and the broker, without its snapshot, with one
 * log line naming the camera and the cause.
 */
class SnapshotDiskFullTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void alarmsGoOutWithoutTheirSnapshotsWhenTheCamerasSnapshotFolderIsAFile() throws Exception {
        Path taken = Files.writeString(Files.createDirectories(dir.resolve("snapshots")).resolve("conveyor"), "a file");
        alarmsGoOutWithoutSnapshots(taken.toString());
        assertThat(Files.readString(taken)).isEqualTo("a file");
    }

    @Test
    void alarmsGoOutWithoutTheirSnapshotsWhenTheDiskIsFull() throws Exception {
        Path snapshots = Files.createDirectories(dir.resolve("snapshots"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", snapshots.toString()),
                "mounting a tmpfs is not permitted here");
        try {
            fill(snapshots);
            alarmsGoOutWithoutSnapshots("no space left on device");
        } finally {
            run("umount", snapshots.toString());
        }
    }

    /** Replays the start of the shipped clip; every raised alarm goes out without its snapshot, with one line giving {@code reason}. */
    private void alarmsGoOutWithoutSnapshots(String reason) throws Exception {
        try (Mosquitto broker = Mosquitto.start(Files.createDirectories(dir.resolve("broker")));
             MqttCollector subscriber = new MqttCollector(broker.url(), "linewatch/+/+/+/events");
             LogLines log = new LogLines()) {
            Pipeline pipeline = Pipeline.start(ConfigLoader.load(Shipped.exampleConfig(dir, broker.url())),
                    Pipeline.Options.replay(Playback.asFastAsPossible()).withLoad(1, 240));
            try {
                pipeline.awaitSources();
            } finally {
                pipeline.close();
            }
            List<String> logged = Files.readAllLines(dir.resolve("events.jsonl"));
            List<JsonNode> raised = logged.stream().map(SnapshotDiskFullTest::parse)
                    .filter(e -> e.get("type").asText().equals("raised")).toList();
            assertThat(raised).as("alarms raised by the clip's first foreign object").isNotEmpty();
            assertThat(raised).allMatch(e -> e.get("snapshot").isNull());
            await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.distinctPayloads().size() >= logged.size());
            assertThat(subscriber.distinctPayloads()).containsExactlyInAnyOrderElementsOf(logged);
            SeqOrder.assertEachCameraInSeqOrder(subscriber.distinctPayloads());
            for (JsonNode e : raised) {
                assertThat(log.containing("alarm " + e.get("id").asText())).singleElement().asString()
                        .startsWith("camera conveyor: snapshot of alarm " + e.get("id").asText()
                                + " not written, the alarm goes out without it: ")
                        .containsIgnoringCase(reason);
            }
        }
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes into {@code dir} until the file system says it is full. */
    private static void fill(Path dir) {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(dir.resolve("filler"))) {
            for (int i = 0; i < 1_000; i++) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            return;
        }
        throw new IllegalStateException(dir + " did not fill up");
    }

    private static boolean run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
