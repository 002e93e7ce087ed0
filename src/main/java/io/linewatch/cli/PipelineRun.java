package io.linewatch.cli;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.StageStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One measured pipeline run for the benchmark: throughput and allocation per frame in steady state
 * (between 20% and 80% of the expected frames, so start-up and drain are left out), latency, drops,
 * GC pauses and time per stage.
 */
record PipelineRun(double fps, long frames, long dropped, Histogram latency, Map<String, Double> bytesPerFrameByStage,
                   long maxPauseMillis, long totalPauseMillis, Map<String, Double> millisPerFrameByStage,
                   double cpuMillisPerFrame, Map<String, Double> cpuMillisPerFrameByStage,
                   Map<String, CoreTime> coreTimePerFrameByStage, double pollerCpuMillisPerFrame) {

    /**
     * How often the poller reads every thread's CPU and allocation: often enough that a thread that
     * ends inside the window loses little of its count, rarely enough that the poller itself takes
     * almost nothing from the cores it measures (read every 5 ms, they took 3% of a core: BENCHMARKS runs P).
     */
    static final long SAMPLE_NANOS = 100_000_000L;

    /** How often the poller checks the run's progress (a sum of counters): where the window starts and ends. */
    private static final long PROGRESS_MILLIS = 20;

    /**
     * A stage's threads as Linux counts them, per frame over the steady part: CPU, and time runnable
     * but waiting for a core.
     */
    record CoreTime(double cpuMillis, double waitMillis) {
    }

    /**
     * What the engine's threads (its stage threads and ONNX Runtime's workers) waited for a core per
     * frame; NaN where the kernel keeps no such counts.
     */
    double engineWaitMillisPerFrame() {
        CoreTime stage = coreTimePerFrameByStage.get("inference");
        CoreTime workers = coreTimePerFrameByStage.get(JvmProbes.ENGINE_WORKERS);
        return stage == null ? Double.NaN : stage.waitMillis() + (workers == null ? 0 : workers.waitMillis());
    }

    /**
     * CPU per frame of the engine's threads: its stage threads (the share of ONNX Runtime's work that
     * ran on them, and their spinning) and ONNX Runtime's own workers.
     */
    double engineCpuMillisPerFrame() {
        CoreTime workers = coreTimePerFrameByStage.get(JvmProbes.ENGINE_WORKERS);
        return cpuMillisPerFrameByStage.getOrDefault("inference", 0.0) + (workers == null ? 0 : workers.cpuMillis());
    }

    /**
     * CPU per frame of every pipeline thread but the engine's (capture's decode, preprocess, decode
     * and NMS, alarms, sinks), steady part: what the stages beside the engine need of the cores.
     */
    double otherStagesCpuMillisPerFrame() {
        return cpuMillisPerFrameByStage.entrySet().stream().filter(e -> !e.getKey().equals("inference"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** Bytes allocated per frame by all pipeline threads together. */
    double bytesPerFrame() {
        return bytesPerFrameByStage.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The config with its first camera copied {@code cameras} times (ids {@code cam-1..N}), each with
     * the template's task sections (thermal calibration, inspection scale).
     */
    static LinewatchConfig withCameras(LinewatchConfig c, int cameras, boolean loop) {
        CameraConfig template = c.cameras().get(0);
        List<CameraConfig> copies = new ArrayList<>();
        for (int i = 1; i <= cameras; i++) {
            copies.add(template.withSource("cam-" + i, template.source(), template.pacing()).withLoop(loop));
        }
        return c.withCameras(copies);
    }

    /**
     * Runs until every camera has delivered its frames (or until {@code maxMillis}, for looped
     * sources) and measures it.
     */
    static PipelineRun measure(LinewatchConfig c, Pipeline.Options options, JvmProbes probes, long expectedFrames,
                               long maxMillis) throws InterruptedException {
        long start = System.nanoTime();
        Pipeline pipeline = Main.start(c, options);
        probes.resetPauses(); // pauses while the pipeline starts hold back no frame
        Window window = steadyWindow(pipeline, probes, expectedFrames, start, maxMillis);
        if (maxMillis > 0) {
            Thread.sleep(Math.max(0, maxMillis - (System.nanoTime() - start) / 1_000_000));
        } else {
            pipeline.awaitSources();
        }
        pipeline.close();
        long frames = inferred(pipeline);
        long dropped = pipeline.stats().stream().mapToLong(CameraStats::dropped).sum();
        Map<String, Double> bytesPerFrame = new LinkedHashMap<>();
        window.bytesByStage().forEach((stage, bytes) -> bytesPerFrame.put(stage, (double) bytes / Math.max(1, window.frames())));
        Map<String, Double> cpuPerFrame = new LinkedHashMap<>();
        window.cpuByStage().forEach((stage, nanos) -> cpuPerFrame.put(stage, nanos / 1e6 / Math.max(1, window.frames())));
        Map<String, CoreTime> coreTime = new LinkedHashMap<>();
        window.nativeByStage().forEach((stage, t) -> coreTime.put(stage, new CoreTime(
                t.cpuNanos() / 1e6 / Math.max(1, window.frames()), t.waitNanos() / 1e6 / Math.max(1, window.frames()))));
        double steadyFps = window.nanos() > 0 ? window.frames() / (window.nanos() / 1e9) : Double.NaN;
        return new PipelineRun(steadyFps, frames, dropped, pipeline.latency().snapshot(), bytesPerFrame,
                probes.maxPauseMillis(), probes.totalPauseMillis(), stageCosts(pipeline, frames),
                window.cpuNanos() / 1e6 / Math.max(1, window.frames()), cpuPerFrame, coreTime,
                window.pollerCpuNanos() / 1e6 / Math.max(1, window.frames()));
    }

    /**
     * Bytes allocated and CPU per stage, frames inferred and time over the steady part of a run, and the
     * CPU the poller itself used (part of the process's).
     */
    private record Window(Map<String, Long> bytesByStage, long frames, long nanos, long cpuNanos,
                          Map<String, Long> cpuByStage, Map<String, NativeThreadMeter.Time> nativeByStage,
                          long pollerCpuNanos) {
    }

    /**
     * Polls the run and measures its steady part: from 20% to 80% of the expected frames (capture,
     * which runs up to a ring ahead, is still alive at the end), or of {@code maxMillis} for a run
     * that ends by time. Progress is checked every {@value #PROGRESS_MILLIS} ms, the threads are read
     * every {@link #SAMPLE_NANOS} and at both ends.
     */
    private static Window steadyWindow(Pipeline pipeline, JvmProbes probes, long expected, long startNanos,
                                       long maxMillis) throws InterruptedException {
        ThreadMeter meter = null;
        NativeThreadMeter nativeMeter = null;
        long framesFrom = 0;
        long nanosFrom = 0;
        long cpuFrom = 0;
        long pollerFrom = 0;
        long sampledNanos = 0;
        while (true) {
            long frames = inferred(pipeline);
            long now = System.nanoTime();
            double progress = maxMillis > 0 ? (now - startNanos) / 1e6 / maxMillis : (double) frames / expected;
            if (meter == null && progress >= 0.2) {
                meter = new ThreadMeter(probes);
                nativeMeter = new NativeThreadMeter();
                framesFrom = frames;
                nanosFrom = now;
                sampledNanos = now;
                cpuFrom = probes.processCpuNanos();
                pollerFrom = probes.currentThreadCpuNanos();
            } else if (meter != null && now - sampledNanos >= SAMPLE_NANOS) {
                meter.sample();
                sampledNanos = now;
            }
            if (progress >= 0.8 || (maxMillis <= 0 && pipelineIdle(pipeline, expected))) {
                if (meter == null) {
                    return new Window(Map.of(), 0, 0, 0, Map.of(), Map.of(), 0);
                }
                meter.sample();
                long cpu = probes.processCpuNanos();
                long poller = probes.currentThreadCpuNanos();
                Map<String, NativeThreadMeter.Time> nativeByStage = nativeMeter.sinceStart(probes::stageOfNative);
                return new Window(meter.allocatedBytesByStage(), frames - framesFrom, now - nanosFrom,
                        cpu - cpuFrom, meter.cpuNanosByStage(), nativeByStage, poller - pollerFrom);
            }
            Thread.sleep(PROGRESS_MILLIS);
        }
    }

    private static boolean pipelineIdle(Pipeline pipeline, long expected) {
        long seen = pipeline.stats().stream().mapToLong(s -> s.framesIn.get()).sum();
        return seen >= expected && inferred(pipeline) + pipeline.stats().stream().mapToLong(CameraStats::dropped).sum()
                >= expected;
    }

    private static long inferred(Pipeline pipeline) {
        return pipeline.stats().stream().mapToLong(s -> s.inferred.get()).sum();
    }

    /** Milliseconds per frame: decode (summed over cameras) and each stage (summed over lanes). */
    private static Map<String, Double> stageCosts(Pipeline pipeline, long frames) {
        Map<String, Double> costs = new LinkedHashMap<>();
        long decode = pipeline.stats().stream().mapToLong(s -> s.decodeNanos.get()).sum();
        costs.put("decode", decode / 1e6 / Math.max(1, frames));
        for (StageStats s : pipeline.stageStats()) {
            costs.merge(s.stage, s.busyNanos.get() / 1e6 / Math.max(1, frames), Double::sum);
        }
        return costs;
    }
}
