package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.testing.Shipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "A replay raises the same alarms at any speed" (README): the first ten seconds of the shipped
 * clip (its first foreign object), replayed at the clip's own rate and as fast as the pipeline
 * goes, log the same alarms: same type, seq, frame, rule, class, score and box; only the event id,
 * the wall-clock time and the snapshot's file name differ.
 */
class ReplaySpeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FRAMES = 250;

    @TempDir
    Path dir;

    @Test
    void realTimeAndFastReplaysRaiseTheSameAlarms() throws Exception {
        List<JsonNode> realTime = replay(Playback.realtime(), Files.createDirectories(dir.resolve("realtime")));
        List<JsonNode> fast = replay(Playback.asFastAsPossible(), Files.createDirectories(dir.resolve("fast")));
        assertThat(fast).as("alarms of the first foreign object").isNotEmpty();
        assertThat(realTime).as("alarms at the clip's own rate against those as fast as possible").isEqualTo(fast);
    }

    /** The alarms logged by one replay of the clip's first frames, without id, time and snapshot. */
    private static List<JsonNode> replay(Playback playback, Path dir) throws Exception {
        Pipeline pipeline = Pipeline.start(ConfigLoader.load(Shipped.exampleConfig(dir, null)),
                Pipeline.Options.replay(playback.withLoad(1, FRAMES)));
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        CameraStats stats = pipeline.stats().get(0);
        assertThat(stats.framesIn.get()).isEqualTo(FRAMES);
        assertThat(stats.inferred.get()).as("frames inferred (none dropped)").isEqualTo(FRAMES);
        List<JsonNode> alarms = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            ObjectNode event = (ObjectNode) JSON.readTree(line);
            event.remove(List.of("id", "time", "snapshot"));
            alarms.add(event);
        }
        return alarms;
    }
}
