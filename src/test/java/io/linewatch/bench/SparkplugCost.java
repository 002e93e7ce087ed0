package io.linewatch.bench;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.OutboxConfig;
import io.linewatch.config.SparkplugConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.Shipped;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cost per frame of the Sparkplug B edge node: the shipped clip replayed as fast as possible
 * with MQTT on (a real Mosquitto), Sparkplug off and on in turn (the order swapped every round),
 * the process's CPU time and the wall time per frame of each replay, medians over the rounds.
 * Not part of the suite: run from the repository root with
 * {@code mvn -B -ntp -q test -Dtest=SparkplugCost -Dlinewatch.bench=sparkplug [-Drounds=3]}; the figures
 * are in {@code target/surefire-reports/io.linewatch.bench.SparkplugCost-output.txt}.
 */
class SparkplugCost {

    @Test
    @EnabledIfSystemProperty(named = "linewatch.bench", matches = "sparkplug")
    void offAgainstOn() throws Exception {
        int rounds = Integer.parseInt(System.getProperty("rounds", "3"));
        Path dir = Files.createTempDirectory("sparkplug-cost");
        List<Double> cpuOff = new ArrayList<>();
        List<Double> cpuOn = new ArrayList<>();
        List<Double> wallOff = new ArrayList<>();
        List<Double> wallOn = new ArrayList<>();
        List<Double> nodeOn = new ArrayList<>();
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            replay(dir.resolve("warm-up"), broker, false); // JIT and page cache, not counted
            for (int r = 0; r < rounds; r++) {
                for (boolean on : r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                    double[] cost = replay(dir.resolve("r" + r + (on ? "-on" : "-off")), broker, on);
                    (on ? cpuOn : cpuOff).add(cost[0]);
                    (on ? wallOn : wallOff).add(cost[1]);
                    if (on) {
                        nodeOn.add(cost[2]);
                    }
                    System.out.printf("round %d sparkplug %-3s: CPU %.0f us/frame, wall %.0f us/frame, edge node's"
                            + " threads %.1f us/frame%n", r, on ? "on" : "off", cost[0], cost[1], cost[2]);
                }
            }
        }
        System.out.printf("median CPU per frame: off %.0f us, on %.0f us, on/off %.3f%n", median(cpuOff),
                median(cpuOn), median(cpuOn) / median(cpuOff));
        System.out.printf("median CPU of the edge node's own threads per frame: %.1f us%n", median(nodeOn));
        System.out.printf("median wall per frame: off %.0f us, on %.0f us, on/off %.3f%n", median(wallOff),
                median(wallOn), median(wallOn) / median(wallOff));
    }

    /**
     * One replay; per frame read, in microseconds: the process's CPU, the wall time, and the CPU of
     * the edge node's own threads (its sampler and delivery threads and its Paho client's threads,
     * whose names carry its client id {@code ...-spb}) up to the end of the replay.
     */
    private static double[] replay(Path dir, Mosquitto broker, boolean sparkplug) throws Exception {
        Files.createDirectories(dir);
        LinewatchConfig c = ConfigLoader.load(Shipped.exampleConfig(dir, broker.url()));
        c = c.withMqtt(c.mqtt().withOutbox(new OutboxConfig(dir.resolve("outbox").toString(), null)));
        c = c.withSinks(c.sinks().withSparkplug(new SparkplugConfig(sparkplug, null, null, null, null, null)));
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        Pipeline pipeline = Pipeline.start(c, Pipeline.Options.replay(Playback.asFastAsPossible()));
        long frames;
        long nodeNanos;
        try {
            pipeline.awaitSources();
            frames = pipeline.stats().get(0).framesIn.get();
            nodeNanos = edgeNodeCpuNanos();
        } finally {
            pipeline.close();
        }
        return new double[] {(os.getProcessCpuTime() - cpu0) / 1e3 / frames, (System.nanoTime() - wall0) / 1e3 / frames,
                nodeNanos / 1e3 / frames};
    }

    private static long edgeNodeCpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : threads.dumpAllThreads(false, false)) {
            if (t.getThreadName().startsWith("lw-sparkplug") || t.getThreadName().contains("-spb")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
