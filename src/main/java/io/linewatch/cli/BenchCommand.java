package io.linewatch.cli;

import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.SinksConfig;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.Pipeline;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch bench}: the pipeline's throughput against the bare engine, in one process and one
 * run. The bare engine runs the same model, batch size and threads on pre-made tensors in a tight
 * loop; the pipeline replays the config's cameras as fast as possible (no MQTT). Rounds alternate
 * engine and pipeline; the medians and their ratio are printed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures replay throughput against the bare engine on the same model, batch and threads.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--config", defaultValue = "deploy/examples/conveyor.yaml", paramLabel = "FILE",
            description = "Config whose cameras are replayed (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--rounds", defaultValue = "3", description = "Engine/pipeline rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads for both the engine and the pipeline, instead of the config's.")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        LinewatchConfig c = Main.loadConfig(config);
        Path out = Files.createTempDirectory("linewatch-bench");
        c = c.withMqtt(c.mqtt().withEnabled(false))
                .withSinks(new SinksConfig(out.resolve("events.jsonl").toString(), out.resolve("snapshots").toString()));
        if (threads != null) {
            c = withThreads(c, threads);
        }
        ModelConfig model = c.models().get(c.cameras().get(0).model());
        List<Double> engineFps = new ArrayList<>();
        List<Double> pipelineFps = new ArrayList<>();
        int frames = 0;
        for (int round = 0; round < rounds; round++) {
            double[] pipeline = pipelineFps(c);
            frames = (int) pipeline[1];
            pipelineFps.add(pipeline[0]);
            engineFps.add(engineFps(model, frames));
            System.out.printf(Locale.ROOT, "round %d: pipeline %.1f fps, bare engine %.1f fps%n", round + 1,
                    pipeline[0], engineFps.get(round));
        }
        double e = median(engineFps);
        double p = median(pipelineFps);
        System.out.printf(Locale.ROOT, "bench: bare engine latency at batch 1: median %.2f ms%n", engineLatencyMillis(model));
        System.out.printf(Locale.ROOT, "bench: %s, batch %d, %d intra-op threads, %d frames a round, %d rounds%n",
                model.path(), model.batchSize(), model.intraOpThreads(), frames, rounds);
        System.out.printf(Locale.ROOT, "bench: median bare engine %.1f fps, pipeline %.1f fps, pipeline/engine %.3f%n",
                e, p, p / e);
        return 0;
    }

    private static LinewatchConfig withThreads(LinewatchConfig c, int threads) {
        java.util.Map<String, ModelConfig> models = new java.util.LinkedHashMap<>();
        c.models().forEach((name, m) -> models.put(name, new ModelConfig(m.path(), m.task(), m.layout(), m.classes(),
                m.engine(), m.batchSize(), threads, m.input(), m.preprocess(), m.nms())));
        return new LinewatchConfig(c.site(), c.cameras(), c.pipeline(), models, c.alarms(), c.mqtt(), c.sinks());
    }

    /** Replays the cameras as fast as possible; returns {fps, frames inferred}. */
    private static double[] pipelineFps(LinewatchConfig c) throws InterruptedException {
        long start = System.nanoTime();
        Pipeline pipeline = Main.start(c, new Pipeline.Options(false, true, null, null));
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long frames = pipeline.stats().stream().mapToLong(s -> s.inferred.get()).sum();
        if (pipeline.stats().stream().mapToLong(CameraStats::dropped).sum() > 0) {
            throw new IllegalStateException("frames were dropped during the bench replay");
        }
        return new double[] {frames / seconds, frames};
    }

    /** The same model, batch and threads on pre-made tensors, for {@code frames} frames. */
    private static double engineFps(ModelConfig model, int frames) throws EngineException {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(model)) {
            int batch = model.batchSize();
            FloatBuffer in = direct(batch * engine.signature().inputFloats());
            FloatBuffer out = direct(batch * engine.signature().outputFloats());
            Random random = new Random(1);
            for (int i = 0; i < in.capacity(); i++) {
                in.put(i, random.nextFloat());
            }
            engine.run(in, out, batch); // warm-up
            long start = System.nanoTime();
            int done = 0;
            while (done < frames) {
                engine.run(in, out, batch);
                done += batch;
            }
            return done / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Median time of one single-frame engine call, over 200 calls after a warm-up. */
    private static double engineLatencyMillis(ModelConfig model) throws EngineException {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(model)) {
            FloatBuffer in = direct(engine.signature().inputFloats());
            FloatBuffer out = direct(engine.signature().outputFloats());
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < 220; i++) {
                long start = System.nanoTime();
                engine.run(in, out, 1);
                if (i >= 20) {
                    times.add((System.nanoTime() - start) / 1e6);
                }
            }
            return median(times);
        }
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
