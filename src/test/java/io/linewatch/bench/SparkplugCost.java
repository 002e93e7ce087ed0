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

/**
 * The cost per frame of the Sparkplug B edge node: the shipped clip replayed as fast as possible
 * with MQTT on (a real Mosquitto), Sparkplug off and on in turn (the order swapped every round),
 * the process's CPU time and the wall time per frame of each replay, medians over the rounds.
 * Run from the repository root after {@code mvn -B -ntp -q test-compile}:
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) io.linewatch.bench.SparkplugCost [rounds]}
 * with {@code cp.txt} from {@code mvn -q dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test}.
 */
public final class SparkplugCost {

    private SparkplugCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Path dir = Files.createTempDirectory("sparkplug-cost");
        List<Double> cpuOff = new ArrayList<>();
        List<Double> cpuOn = new ArrayList<>();
        List<Double> wallOff = new ArrayList<>();
        List<Double> wallOn = new ArrayList<>();
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"))) {
            replay(dir.resolve("warm-up"), broker, false); // JIT and page cache, not counted
            for (int r = 0; r < rounds; r++) {
                for (boolean on : r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                    double[] cost = replay(dir.resolve("r" + r + (on ? "-on" : "-off")), broker, on);
                    (on ? cpuOn : cpuOff).add(cost[0]);
                    (on ? wallOn : wallOff).add(cost[1]);
                    System.out.printf("round %d sparkplug %-3s: CPU %.0f us/frame, wall %.0f us/frame%n", r,
                            on ? "on" : "off", cost[0], cost[1]);
                }
            }
        }
        System.out.printf("median CPU per frame: off %.0f us, on %.0f us, on/off %.3f%n", median(cpuOff),
                median(cpuOn), median(cpuOn) / median(cpuOff));
        System.out.printf("median wall per frame: off %.0f us, on %.0f us, on/off %.3f%n", median(wallOff),
                median(wallOn), median(wallOn) / median(wallOff));
    }

    /** One replay; the process's CPU and the wall time per frame read, in microseconds. */
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
        try {
            pipeline.awaitSources();
            frames = pipeline.stats().get(0).framesIn.get();
        } finally {
            pipeline.close();
        }
        return new double[] {(os.getProcessCpuTime() - cpu0) / 1e3 / frames, (System.nanoTime() - wall0) / 1e3 / frames};
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
