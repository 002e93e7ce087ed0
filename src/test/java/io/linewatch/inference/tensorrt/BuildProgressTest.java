package io.linewatch.inference.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A long build shows its elapsed time and the builder's latest step until it ends. */
class BuildProgressTest {

    @Test
    void linesCarryTheElapsedTimeAndTheLatestStepUntilClosed() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (BuildProgress progress = new BuildProgress("building the fp16 engine of conveyor-det", lines::add, 20)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= 1);
            progress.step("[MemUsageChange] Init builder kernel library: CPU +1, GPU +0\nsecond line");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("MemUsage")));
            assertThat(progress.elapsed()).matches("\\d+:\\d\\d");
        }
        assertThat(lines.get(0)).matches("building the fp16 engine of conveyor-det: \\d+:\\d\\d elapsed");
        assertThat(lines).anyMatch(l -> l.matches("building the fp16 engine of conveyor-det: \\d+:\\d\\d elapsed "
                + "\\(\\[MemUsageChange\\] Init builder kernel library: CPU \\+1, GPU \\+0\\)"));
        int closedAt = lines.size();
        await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
        assertThat(lines).as("no lines after close").hasSize(closedAt);
    }
}
