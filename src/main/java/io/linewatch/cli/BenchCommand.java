package io.linewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.capture.Playback;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.PipelineConfig;
import io.linewatch.config.SinksConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.ops.ProcessMemory;
import io.linewatch.pipeline.FrameEventFactory;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch bench}: where the pipeline stands, in one process and one run. Efficiency (the
 * pipeline against the bare engine on the same model, batch and threads, for several cameras),
 * latency at a share of the measured capacity, allocation per frame and GC pauses, time per stage,
 * the seed-style Python pipeline and the FFmpeg command line on the same clip, and resident memory.
 * Every comparison alternates its two sides within a round; medians over the rounds are printed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the pipeline against the bare engine, a seed-style Python pipeline and the FFmpeg"
                + " decoder, with latency, allocation, GC pauses and time per stage. Run from the repository root.")
final class BenchCommand implements Callable<Integer> {


    @Option(names = "--config", defaultValue = "deploy/examples/conveyor.yaml", paramLabel = "FILE",
            description = "Config whose first camera and model are benchmarked (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds per comparison (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads for the engine, the pipeline and the Python baseline, instead of the config's.")
    Integer threads;

    @Option(names = "--instances", paramLabel = "N",
            description = "Engine instances per lane (each with its own session and threads) for the engine and the"
                    + " pipeline, instead of the config's.")
    Integer instances;

    @Option(names = "--preprocess-threads", paramLabel = "N",
            description = "Preprocess threads per lane (each for its share of the frames) for the pipeline, instead of"
                    + " the config's.")
    Integer preprocessThreads;

    @Option(names = "--intra-op-spinning", paramLabel = "true|false", arity = "1",
            description = "Whether ONNX Runtime's idle intra-op threads spin inside a run, for the engine and the"
                    + " pipeline, instead of the config's.")
    Boolean spinning;

    @Option(names = "--stages-after-inference", paramLabel = "one_thread|thread_each",
            converter = StageThreadsConverter.class,
            description = "Whether the stages after inference share one thread or get one each, for the pipeline,"
                    + " instead of the config's.")
    PipelineConfig.StageThreads stagesAfterInference;

    @Option(names = "--yield-to-engine", paramLabel = "true|false", arity = "1",
            description = "Whether the pipeline's threads but the engine's run at the lowest priority (needs the JVM"
                    + " options -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19 for nice 19), instead of"
                    + " the config's.")
    Boolean yieldToEngine;

    @Option(names = "--cameras", split = ",", defaultValue = "1,2,4,8",
            description = "Camera counts for the efficiency runs (default: ${DEFAULT-VALUE}).")
    List<Integer> cameraCounts;

    @Option(names = "--frames", defaultValue = "400",
            description = "Frames per camera in a throughput run (default: ${DEFAULT-VALUE}).")
    int framesPerCamera;

    @Option(names = "--latency-cameras", defaultValue = "4",
            description = "Cameras paced at their frame rate in the latency runs (default: ${DEFAULT-VALUE}).")
    int latencyCameras;

    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python with PyTorch and OpenCV for the seed-style baseline (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--no-baselines", description = "Skip the Python pipeline and the FFmpeg command line.")
    boolean noBaselines;

    @Option(names = "--soak-minutes", defaultValue = "0",
            description = "Also replay the clip in a loop this long and report GC pauses and memory (default: off).")
    int soakMinutes;

    @Option(names = "--clips-cost", description = "Only compare one camera as fast as possible with evidence clips"
            + " off and on (alternating rounds): fps, bytes allocated and CPU per frame, clips written.")
    boolean clipsCost;

    @Option(names = "--decode", description = "Only compare capture's decode of the first camera's clip (one"
            + " thread, to BGR; packets kept for clips and not) with the FFmpeg command line, per round.")
    boolean decodeOnly;

    @Option(names = "--source-heights", split = ",", defaultValue = "1080,2160",
            description = "Large sources (the clip scaled up to 1920x1080, 3840x2160) whose decode + preprocess is"
                    + " compared with the FFmpeg command line; 0 skips them (default: ${DEFAULT-VALUE}).")
    List<Integer> sourceHeights;

    @Option(names = "--source-frames", defaultValue = "150",
            description = "Frames of each large source (default: ${DEFAULT-VALUE}).")
    int sourceFrames;

    @Option(names = "--sources-only", description = "Only compare the large sources' decode + preprocess with the"
            + " FFmpeg command line (see --source-heights).")
    boolean sourcesOnly;

    private JvmProbes probes;
    private LinewatchConfig base;
    private ModelConfig model;

    @Override
    public Integer call() throws Exception {
        checkCounts();
        LinewatchConfig c = Main.loadConfig(config);
        Path out = Files.createTempDirectory("linewatch-bench");
        c = c.withMqtt(c.mqtt().withEnabled(false))
                .withSinks(new SinksConfig(out.resolve("events.jsonl").toString(), out.resolve("snapshots").toString()));
        base = withEngineThreads(c);
        model = base.models().get(base.cameras().get(0).model());
        Path clip = Path.of(base.cameras().get(0).source());
        long rssStart = ProcessMemory.residentBytes();
        try (JvmProbes p = new JvmProbes()) {
            probes = p;
            header(clip);
            if (clipsCost) {
                clipsCost(out);
                return 0;
            }
            if (decodeOnly) {
                decodeCeiling(clip);
                return 0;
            }
            if (sourcesOnly) {
                largeSources(clip);
                return 0;
            }
            Map<Integer, PipelineRun> efficiency = efficiency();
            int capacityCameras = efficiency.containsKey(latencyCameras) ? latencyCameras
                    : efficiency.keySet().stream().max(Integer::compare).orElseThrow();
            stageCosts(efficiency.get(capacityCameras), capacityCameras);
            if (latencyCameras > 0) {
                latency(efficiency.get(capacityCameras).fps());
            } else {
                System.out.printf("%n## latency: skipped: --latency-cameras is 0%n");
            }
            if (noBaselines) {
                System.out.printf("%n## baselines: skipped: --no-baselines%n");
            } else if (model.task() == ModelConfig.Task.DETECTION || model.task() == ModelConfig.Task.CLASSIFICATION) {
                seedBaseline(clip, efficiency);
                decodeCeiling(clip);
            } else {
                System.out.printf("%n## baselines: skipped: the seed-style Python pipeline runs detection and"
                        + " classification, and this model's task is %s%n", model.task().name().toLowerCase(Locale.ROOT));
            }
            largeSources(clip);
            if (soakMinutes > 0) {
                soak();
            }
        }
        System.out.printf(Locale.ROOT, "%nmemory: resident %.0f MiB at start, %.0f MiB at the end (Pss %.0f MiB)%n",
                rssStart / 1048576.0, ProcessMemory.residentBytes() / 1048576.0,
                ProcessMemory.proportionalBytes() / 1048576.0);
        return 0;
    }

    /** One-line errors for counts no run can use (a bench of 0 cameras would stop at "no camera could start"). */
    private void checkCounts() {
        if (cameraCounts.isEmpty() || cameraCounts.stream().anyMatch(n -> n < 1)) {
            throw new CliException(Main.EXIT_CONFIG, "bench: --cameras needs camera counts of at least 1, got "
                    + cameraCounts);
        }
        if (latencyCameras < 0 || framesPerCamera < 1 || rounds < 1) {
            throw new CliException(Main.EXIT_CONFIG, "bench: --latency-cameras must be 0 or more, --frames and --rounds"
                    + " at least 1; got " + latencyCameras + ", " + framesPerCamera + " and " + rounds);
        }
        for (int h : sourceHeights) {
            if (h != 0 && h != 1080 && h != 2160) {
                throw new CliException(Main.EXIT_CONFIG, "bench: --source-heights takes 1080, 2160 or 0 (none), got " + h);
            }
        }
        if (instances != null && (instances < 1 || instances > ModelConfig.MAX_INSTANCES)) {
            throw new CliException(Main.EXIT_CONFIG, "bench: --instances must be 1.." + ModelConfig.MAX_INSTANCES
                    + ", got " + instances);
        }
        if (preprocessThreads != null && (preprocessThreads < 1
                || preprocessThreads > ModelConfig.MAX_PREPROCESS_THREADS)) {
            throw new CliException(Main.EXIT_CONFIG, "bench: --preprocess-threads must be 1.."
                    + ModelConfig.MAX_PREPROCESS_THREADS + ", got " + preprocessThreads);
        }
        if (sourceFrames < 2) {
            throw new CliException(Main.EXIT_CONFIG, "bench: --source-frames must be at least 2, got " + sourceFrames);
        }
    }

    private void header(Path clip) {
        System.out.printf(Locale.ROOT, "bench: %s, batch %d, %d intra-op thread(s)%s, %d engine instance(s), %d"
                + " preprocess thread(s), stages after inference on %s%s; clip %s; %d cores, Java %s, GC %s%n",
                model.path(), model.batchSize(), model.intraOpThreads(),
                model.intraOpSpinning() ? " spinning" : " sleeping when idle", model.instances(), model.preprocessThreads(),
                base.pipeline().stagesAfterInference() == PipelineConfig.StageThreads.ONE_THREAD ? "one thread"
                        : "a thread each", yieldingNote(), clip,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), JvmProbes.collector());
    }

    /**
     * One camera as fast as possible, clips off and on in alternating rounds (so a change in the
     * machine's load hits both); medians and their ratios.
     */
    private void clipsCost(Path out) throws Exception {
        System.out.printf(Locale.ROOT, "%n## evidence clips: 1 camera (looped) as fast as possible, %d frames, clips off and on"
                + " alternating, median of %d (steady part: 20%%..80%% of the frames; CPU: the whole process)%n",
                framesPerCamera, rounds);
        System.out.println("| clips | fps | bytes allocated / frame | of which lw-clips | CPU ms / frame | clips written |");
        System.out.println("|---|---|---|---|---|---|");
        Map<Boolean, List<PipelineRun>> runs = new LinkedHashMap<>();
        Map<Boolean, List<Long>> written = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (boolean on : new boolean[] {false, true}) {
                // Looped, so --frames may exceed the clip (kept packets follow the loop, as frames do).
                LinewatchConfig c = PipelineRun.withCameras(base, 1, true);
                Path dir = out.resolve("clips-" + r);
                c = c.withSinks(c.sinks().withClips(on ? c.sinks().clips().on(dir.toString())
                        : c.sinks().clips()));
                runs.computeIfAbsent(on, k -> new ArrayList<>()).add(PipelineRun.measure(c,
                        Pipeline.Options.replay(Playback.asFastAsPossible()).withLoad(1.0, framesPerCamera), probes,
                        framesPerCamera, 0));
                written.computeIfAbsent(on, k -> new ArrayList<>()).add(on ? countClips(dir) : 0L);
            }
        }
        double[][] m = new double[2][];
        for (boolean on : new boolean[] {false, true}) {
            List<PipelineRun> rs = runs.get(on);
            m[on ? 1 : 0] = new double[] {median(rs.stream().map(PipelineRun::fps).toList()),
                median(rs.stream().map(PipelineRun::bytesPerFrame).toList()),
                median(rs.stream().map(x -> x.bytesPerFrameByStage().getOrDefault("clips", 0.0)).toList()),
                median(rs.stream().map(PipelineRun::cpuMillisPerFrame).toList())};
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.0f | %.0f | %.2f | %s |%n", on ? "on" : "off", m[on ? 1 : 0][0],
                    m[on ? 1 : 0][1], m[on ? 1 : 0][2], m[on ? 1 : 0][3], written.get(on));
        }
        System.out.printf(Locale.ROOT, "clips on / off: fps %.3f, bytes allocated / frame %+.0f, CPU / frame %.3f%n",
                m[1][0] / m[0][0], m[1][1] - m[0][1], m[1][3] / m[0][3]);
        System.out.println("| stage | bytes allocated / frame, off | on |");
        System.out.println("|---|---|---|");
        java.util.Set<String> stages = new java.util.TreeSet<>();
        runs.values().forEach(rs -> rs.forEach(x -> stages.addAll(x.bytesPerFrameByStage().keySet())));
        for (String stage : stages) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f |%n", stage,
                    median(runs.get(false).stream().map(x -> x.bytesPerFrameByStage().getOrDefault(stage, 0.0)).toList()),
                    median(runs.get(true).stream().map(x -> x.bytesPerFrameByStage().getOrDefault(stage, 0.0)).toList()));
        }
    }

    private static long countClips(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".mp4") || p.toString().endsWith(".mkv")).count();
        }
    }

    /**
     * Pipeline against bare engine for each camera count, with the bound beside each figure; returns
     * the median run of each. The bound is what the cores allow: the bare engine's CPU per frame
     * (its process CPU over the bare run) plus the other stages' CPU per frame in the pipeline run
     * (their threads' CPU over the steady part), spread over the cores, and never more than the bare
     * engine's own speed. Beside it, the whole process's CPU per frame in the pipeline's steady part:
     * above engine + other stages, it is what the engine's threads spent beyond their bare work
     * (spinning, waiting on a preempted thread) and the JVM's own threads.
     */
    private Map<Integer, PipelineRun> efficiency() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "%n## efficiency: replay as fast as possible, %d frames a camera, median of %d;"
                + " bound = min(bare engine fps, %d cores x 1000 / (engine CPU ms + other stages' CPU ms) per frame)%n",
                framesPerCamera, rounds, cores);
        System.out.println("| cameras | bare engine fps | engine CPU ms / frame | other stages CPU ms / frame | bound fps"
                + " | pipeline fps | pipeline / engine | pipeline / bound | pipeline CPU ms / frame"
                + " | engine waited for a core ms / frame: pipeline (bare) | bytes allocated / frame | max GC pause ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        Map<Integer, PipelineRun> medians = new LinkedHashMap<>();
        List<String> shortfalls = new ArrayList<>();
        for (int cameras : cameraCounts) {
            List<PipelineRun> runs = new ArrayList<>();
            List<Double> engine = new ArrayList<>();
            List<Double> engineCpu = new ArrayList<>();
            List<Double> engineWait = new ArrayList<>();
            long frames = (long) cameras * framesPerCamera;
            for (int r = 0; r < rounds; r++) {
                runs.add(PipelineRun.measure(PipelineRun.withCameras(base, cameras, false),
                        Pipeline.Options.replay(Playback.asFastAsPossible()).withLoad(1.0, framesPerCamera), probes, frames, 0));
                double[] bare = engineFps(frames);
                engine.add(bare[0]);
                engineCpu.add(bare[1]);
                engineWait.add(bare[2]);
            }
            PipelineRun run = medianRun(runs, PipelineRun::fps);
            double e = median(engine);
            double cpu = median(engineCpu);
            double others = median(runs.stream().map(PipelineRun::otherStagesCpuMillisPerFrame).toList());
            double bound = bound(e, cpu, others, cores);
            medians.put(cameras, run);
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.2f | %.2f | %.1f | %.1f | %.3f | %.3f | %.2f | %s | %.0f | %d |%n",
                    cameras, e, cpu, others, bound, run.fps(), run.fps() / e, run.fps() / bound,
                    median(runs.stream().map(PipelineRun::cpuMillisPerFrame).toList()),
                    waits(median(runs.stream().map(PipelineRun::engineWaitMillisPerFrame).toList()), median(engineWait)),
                    median(runs.stream().map(PipelineRun::bytesPerFrame).toList()),
                    runs.stream().mapToLong(PipelineRun::maxPauseMillis).max().orElse(0));
            shortfalls.add(bound < e ? BoundShortfall.of(run.fps(), cores, run.cpuMillisPerFrame(),
                    run.engineCpuMillisPerFrame(), cpu, others, run.pollerCpuMillisPerFrame()).row(cameras, cpu)
                    : "| " + cameras + " | " + String.format(Locale.ROOT, "%.3f", run.fps() / e)
                            + " | the bound is the bare engine's speed, not the cores | | | | |");
        }
        System.out.printf(Locale.ROOT, "%n## where the bound goes (the median run of each row): pipeline / bound ="
                + " cores busy x engine factor x outside factor; engine factor = (bare engine + other stages) /"
                + " (engine in the pipeline + other stages), CPU per frame; outside factor = the stages' CPU / the"
                + " process's CPU%n");
        System.out.println("| cameras | pipeline / bound | cores busy | engine CPU ms / frame: pipeline (bare)"
                + " | engine factor | CPU outside the stages ms / frame (the bench's poller) | outside factor |");
        System.out.println("|---|---|---|---|---|---|---|");
        shortfalls.forEach(System.out::println);
        return medians;
    }

    /** The engine's wait for a core in the pipeline and, in brackets, in the bare run; "n/a" where not counted. */
    private static String waits(double pipelineMillis, double bareMillis) {
        return Double.isNaN(pipelineMillis) || Double.isNaN(bareMillis) ? "n/a"
                : String.format(Locale.ROOT, "%.2f (%.2f)", pipelineMillis, bareMillis);
    }

    /**
     * The most frames a second the pipeline can reach: the bare engine's speed, or the cores shared by
     * the engine's and the other stages' CPU per frame, whichever is lower.
     */
    static double bound(double engineFps, double engineCpuMillis, double otherCpuMillis, int cores) {
        return Math.min(engineFps, cores * 1000.0 / (engineCpuMillis + otherCpuMillis));
    }

    private static void stageCosts(PipelineRun run, int cameras) {
        System.out.printf(Locale.ROOT, "%n## per frame and stage (%d cameras, the median run above; bytes in the steady"
                + " part, alarm snapshots included; CPU: the stage's threads in the steady part; waited for a core:"
                + " runnable without a core, as Linux counts it; ONNX Runtime's own worker threads on a row of their"
                + " own)%n", cameras);
        System.out.println("| stage | ms / frame | CPU ms / frame | waited for a core ms / frame | bytes allocated / frame |");
        System.out.println("|---|---|---|---|---|");
        java.util.Set<String> threads = new java.util.TreeSet<>(run.cpuMillisPerFrameByStage().keySet());
        run.millisPerFrameByStage().forEach((stage, ms) -> {
            String thread = stage.equals("decode") ? "capture" : stage;
            boolean own = threads.remove(thread);
            System.out.printf(Locale.ROOT, "| %s | %.3f | %s | %s | %s |%n", stage, ms,
                    own ? String.format(Locale.ROOT, "%.3f", run.cpuMillisPerFrameByStage().get(thread)) : "(shared)",
                    own ? coreWait(run, thread) : "(shared)",
                    own ? String.format(Locale.ROOT, "%.0f", run.bytesPerFrameByStage().getOrDefault(thread, 0.0))
                            : "(shared)");
        });
        // A thread several stages share (the stages after inference on one thread): its CPU and bytes.
        threads.forEach(thread -> System.out.printf(Locale.ROOT, "| (thread %s) | | %.3f | %s | %.0f |%n", thread,
                run.cpuMillisPerFrameByStage().get(thread), coreWait(run, thread),
                run.bytesPerFrameByStage().getOrDefault(thread, 0.0)));
        PipelineRun.CoreTime workers = run.coreTimePerFrameByStage().get(JvmProbes.ENGINE_WORKERS);
        if (workers != null) {
            System.out.printf(Locale.ROOT, "| (%s) | | %.3f | %.3f | |%n", JvmProbes.ENGINE_WORKERS,
                    workers.cpuMillis(), workers.waitMillis());
        }
    }

    private static String coreWait(PipelineRun run, String thread) {
        PipelineRun.CoreTime t = run.coreTimePerFrameByStage().get(thread);
        return t == null ? "n/a" : String.format(Locale.ROOT, "%.3f", t.waitMillis());
    }

    /** Cameras paced at their frame rate, sped up to 50% and 90% of the measured capacity. */
    private void latency(double capacityFps) throws Exception {
        double oneFrameMillis = engineLatencyMillis(1);
        double fullBatchMillis = engineLatencyMillis(model.batchSize());
        double clipFps = clipFrameRate();
        System.out.printf(Locale.ROOT, "%n## latency, capture to publish: %d cameras paced at their frame rate, in"
                + " phase; capacity %.1f fps; engine time (median of 200) at batch 1: %.2f ms, at batch %d: %.2f ms%n",
                latencyCameras, capacityFps, oneFrameMillis, model.batchSize(), fullBatchMillis);
        System.out.println("| load | offered fps | p50 ms | p99 ms | p99.9 ms | max ms | p99 / batch-1 time"
                + " | p99 / full-batch time | dropped |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (double load : new double[] {0.5, 0.9}) {
            double offered = load * capacityFps;
            double speed = offered / (latencyCameras * clipFps);
            long frames = Math.max(100, Math.round(offered * 12 / latencyCameras));
            // Looped: a short clip (the thermal one has 324 frames) must still deliver every frame asked for.
            PipelineRun run = PipelineRun.measure(PipelineRun.withCameras(base, latencyCameras, true),
                    Pipeline.Options.replay(Playback.realtime()).withLoad(speed, frames), probes,
                    frames * latencyCameras, 0);
            Histogram h = run.latency();
            System.out.printf(Locale.ROOT, "| %.0f%% | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %d |%n",
                    load * 100, offered, ms(h, 50), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1e6,
                    ms(h, 99) / oneFrameMillis, ms(h, 99) / fullBatchMillis, run.dropped());
        }
    }

    private void seedBaseline(Path clip, Map<Integer, PipelineRun> efficiency) {
        boolean classification = model.task() == ModelConfig.Task.CLASSIFICATION;
        List<io.linewatch.config.RegionConfig> regions = classification
                ? base.cameras().get(0).classification().regions() : null;
        System.out.printf(Locale.ROOT, "%n## against the seed-style Python pipeline (threads + queue.Queue, OpenCV,"
                + " PyTorch; %s), same %s model, clip, batch and threads%s%n", Baselines.SEED_PIPELINE,
                model.task().name().toLowerCase(Locale.ROOT), classification
                        ? ", the same regions (each frame's regions one batch item; softmax and argmax as the seed)" : "");
        System.out.println("| cameras | PyTorch model | Python fps | linewatch fps | linewatch / Python |");
        System.out.println("|---|---|---|---|---|");
        Map<Integer, String> pythonStates = new LinkedHashMap<>();
        for (int cameras : seedCameraCounts(latencyCameras)) {
            PipelineRun ours = efficiency.get(cameras);
            if (ours == null) {
                System.out.println(seedSkipped(cameras, efficiency.keySet()));
                continue;
            }
            for (boolean freeze : new boolean[] {false, true}) {
                String variant = freeze ? "traced, frozen, optimize_for_inference" : "traced (as the seed)";
                try {
                    JsonNode py = Baselines.seedPython(python, clip, regions, cameras, model.batchSize(),
                            model.intraOpThreads(), framesPerCamera, freeze);
                    double fps = py.get("fps").asDouble();
                    System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.2f |%n", cameras, variant, fps,
                            ours.fps(), ours.fps() / fps);
                    if (py.has("states")) {
                        pythonStates.put(cameras, py.get("states").toString());
                    }
                } catch (Exception e) {
                    System.out.println("| " + cameras + " | " + variant + " | skipped: " + e.getMessage() + " | | |");
                }
            }
        }
        pythonStates.forEach((cameras, states) -> System.out.printf(Locale.ROOT,
                "Python's region-frames by predicted state, %d camera(s): %s%n", cameras, states));
    }

    /** The camera counts the seed comparison runs: one camera, and the latency runs' count when it is another. */
    static int[] seedCameraCounts(int latencyCameras) {
        return latencyCameras > 1 ? new int[] {1, latencyCameras} : new int[] {1};
    }

    /** The seed table's row for a camera count the efficiency runs did not measure: why it is empty. */
    static String seedSkipped(int cameras, java.util.Collection<Integer> measured) {
        return "| " + cameras + " | skipped: no efficiency run with " + cameras + " camera" + (cameras == 1 ? "" : "s")
                + " to compare with (--cameras " + measured.stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(",")) + ") | | | |";
    }

    private void decodeCeiling(Path clip) {
        System.out.println();
        System.out.println("## decode: linewatch (capture/PacketDemuxer, 1 thread, to BGR; packets kept and not) against"
                + " the FFmpeg command line (-threads 1 -pix_fmt bgr24 -f null), one warm-up, median of " + rounds);
        List<Double> ours = new ArrayList<>();
        List<Double> kept = new ArrayList<>();
        List<Double> cli = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> keptCpuRatios = new ArrayList<>();
        try {
            Baselines.ourDecodeFps(clip, false);
            for (int r = 0; r < rounds; r++) {
                double[] decoded = Baselines.ourDecodeFps(clip, false);
                double[] keeping = Baselines.ourDecodeFps(clip, true);
                double[] ffmpeg = Baselines.ffmpegDecodeRates(clip, (long) decoded[1]);
                ours.add(decoded[0]);
                kept.add(keeping[0]);
                cli.add(ffmpeg[0]);
                ratios.add(decoded[0] / ffmpeg[0]);
                cpuRatios.add(decoded[2] / ffmpeg[1]);
                keptCpuRatios.add(keeping[2] / ffmpeg[1]);
                System.out.printf(Locale.ROOT, "decode round %d: wall fps linewatch %.0f, packets kept %.0f, ffmpeg %.0f;"
                        + " frames per CPU second linewatch %.0f, packets kept %.0f, ffmpeg %.0f%n", r + 1, decoded[0],
                        keeping[0], ffmpeg[0], decoded[2], keeping[2], ffmpeg[1]);
            }
            System.out.printf(Locale.ROOT, "decode: wall fps linewatch %.0f, packets kept %.0f, ffmpeg %.0f (median ratio"
                    + " %.3f); per CPU second linewatch / ffmpeg %.3f, packets kept / ffmpeg %.3f (medians of the rounds'"
                    + " ratios)%n", median(ours), median(kept), median(cli), median(ratios), median(cpuRatios),
                    median(keptCpuRatios));
        } catch (Exception e) {
            System.out.println("decode: skipped: " + e.getMessage());
        }
    }

    /** Decode + preprocess of the clip scaled up to camera sizes, against the FFmpeg command line. */
    private void largeSources(Path clip) throws EngineException {
        List<Integer> heights = sourceHeights.stream().filter(h -> h > 0).toList();
        if (heights.isEmpty()) {
            System.out.printf("%n## large sources: skipped: --source-heights 0%n");
            return;
        }
        if (model.task() != ModelConfig.Task.DETECTION && model.task() != ModelConfig.Task.SEGMENTATION) {
            System.out.printf("%n## large sources: skipped: they are colour video, and this model's task is %s%n",
                    model.task().name().toLowerCase(Locale.ROOT));
            return;
        }
        io.linewatch.inference.ModelSignature sig;
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(model)) {
            sig = engine.signature();
        }
        SourceSizes.print(clip, model, sig.width(), sig.height(), heights, sourceFrames, rounds,
                List.of(io.linewatch.pipeline.FrameEvent.PixelFormat.BGR24, io.linewatch.pipeline.FrameEvent.PixelFormat.I420));
    }

    private void soak() throws Exception {
        System.out.printf(Locale.ROOT, "%n## soak: 1 camera looping the clip as fast as possible for %d min%n", soakMinutes);
        long rssBefore = ProcessMemory.residentBytes();
        PipelineRun run = PipelineRun.measure(PipelineRun.withCameras(base, 1, true),
                Pipeline.Options.replay(Playback.asFastAsPossible()), probes, 0, soakMinutes * 60_000L);
        System.out.printf(Locale.ROOT, "soak: %d frames, %.1f fps, %.0f bytes allocated / frame, GC: %d pauses, max %d ms,"
                + " total %d ms; resident %.0f MiB before, %.0f MiB after (Pss %.0f MiB)%n", run.frames(), run.fps(),
                run.bytesPerFrame(), probes.pauses(), run.maxPauseMillis(), run.totalPauseMillis(), rssBefore / 1048576.0,
                ProcessMemory.residentBytes() / 1048576.0, ProcessMemory.proportionalBytes() / 1048576.0);
    }

    /** One buffer per model output, for {@code batch} frames. */
    private static FloatBuffer[] outputs(OnnxRuntimeEngine engine, int batch) {
        int[] floats = engine.signature().outputFloatsEach();
        FloatBuffer[] out = new FloatBuffer[floats.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = FrameEventFactory.directFloats((long) batch * floats[i]);
        }
        return out;
    }

    /** The batch the engine runs: a fixed-batch model (a static batch-1 export) its own, else {@code wanted}. */
    private static int runBatch(OnnxRuntimeEngine engine, int wanted) {
        return engine.signature().fixedBatch() > 0 ? engine.signature().fixedBatch() : wanted;
    }

    /**
     * The bare engine: same model, batch, threads and instances (each instance its own session on its
     * own thread, as in the pipeline), pre-made tensors, for {@code frames} frames in all (a
     * classification camera's frame is one image per region, as the pipeline runs it). Returns frames
     * a second, the process's CPU milliseconds per frame over the timed part, and the milliseconds per
     * frame the engine's threads waited for a core (NaN where Linux does not count it).
     */
    private double[] engineFps(long frames) throws Exception {
        int n = model.instances();
        List<OnnxRuntimeEngine> engines = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                engines.add(OnnxRuntimeEngine.open(model));
            }
            int images = model.task() == ModelConfig.Task.CLASSIFICATION
                    ? base.cameras().get(0).classification().imagesPerFrame() : 1;
            int frameBatch = runBatch(engines.get(0), model.batchSize());
            int batch = frameBatch * images;
            java.util.concurrent.atomic.AtomicLong left = new java.util.concurrent.atomic.AtomicLong(frames);
            java.util.concurrent.CyclicBarrier ready = new java.util.concurrent.CyclicBarrier(n + 1);
            java.util.concurrent.CyclicBarrier finished = new java.util.concurrent.CyclicBarrier(n + 1);
            java.util.concurrent.CountDownLatch measured = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.FutureTask<Void>> tasks = new ArrayList<>();
            for (OnnxRuntimeEngine engine : engines) {
                java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(() -> {
                    FloatBuffer in = FrameEventFactory.directFloats(batch * engine.signature().inputFloats());
                    FloatBuffer[] out = outputs(engine, batch);
                    Random random = new Random(1);
                    for (int i = 0; i < in.capacity(); i++) {
                        in.put(i, random.nextFloat());
                    }
                    engine.run(in, out, batch);
                    ready.await();
                    try {
                        while (left.getAndAdd(-frameBatch) > 0) {
                            engine.run(in, out, batch);
                        }
                    } finally {
                        finished.await();
                        measured.await(); // alive until the timing thread has read the threads' counts
                    }
                    return null;
                });
                tasks.add(task);
                Thread t = new Thread(task, "bench-engine-" + tasks.size());
                t.setDaemon(true);
                t.start();
            }
            ready.await();
            long cpuStart = probes.processCpuNanos();
            NativeThreadMeter engineThreads = new NativeThreadMeter();
            long start = System.nanoTime();
            finished.await();
            long nanos = System.nanoTime() - start;
            long cpuNanos = probes.processCpuNanos() - cpuStart;
            NativeThreadMeter.Time engineTime = engineThreads.sinceStart(name -> name.startsWith("bench-engine-")
                    || name.startsWith(OnnxRuntimeEngine.WORKER_PREFIX) ? "engine" : "").get("engine");
            measured.countDown();
            for (java.util.concurrent.FutureTask<Void> task : tasks) {
                task.get();
            }
            long ran = ((frames + frameBatch - 1) / frameBatch) * frameBatch;
            return new double[] {ran / (nanos / 1e9), cpuNanos / 1e6 / ran,
                    engineTime == null ? Double.NaN : engineTime.waitNanos() / 1e6 / ran};
        } finally {
            engines.forEach(OnnxRuntimeEngine::close);
        }
    }

    /** Median time of one engine call on {@code batch} frames, over 200 calls after a warm-up. */
    private double engineLatencyMillis(int wanted) throws EngineException {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(model)) {
            int batch = runBatch(engine, wanted);
            FloatBuffer in = FrameEventFactory.directFloats(batch * engine.signature().inputFloats());
            FloatBuffer[] out = outputs(engine, batch);
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < 220; i++) {
                long start = System.nanoTime();
                engine.run(in, out, batch);
                if (i >= 20) {
                    times.add((System.nanoTime() - start) / 1e6);
                }
            }
            return median(times);
        }
    }

    private double clipFrameRate() throws Exception {
        io.linewatch.capture.FileFrameSource source =
                new io.linewatch.capture.FileFrameSource("bench", Path.of(base.cameras().get(0).source()), false);
        source.open();
        try {
            return source.frameRate();
        } finally {
            source.close();
        }
    }

    /** What the header says of {@code yield_to_engine}: nothing when off. */
    private String yieldingNote() {
        if (!base.pipeline().yieldToEngine()) {
            return "";
        }
        return ", the other threads yielding to the engine" + (io.linewatch.daemon.Pipeline.threadPrioritiesHonoured()
                ? " (nice " + io.linewatch.daemon.Pipeline.lowestPriorityNice() + ")"
                : " (ignored: the JVM lacks -XX:ThreadPriorityPolicy=1)");
    }

    /** Reads {@code one_thread} and {@code thread_each} as the config does. */
    static final class StageThreadsConverter implements picocli.CommandLine.ITypeConverter<PipelineConfig.StageThreads> {
        @Override
        public PipelineConfig.StageThreads convert(String value) {
            return PipelineConfig.StageThreads.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * The config with the command line's threads, spinning, instances, preprocess threads and threads
     * after inference, where given.
     */
    private LinewatchConfig withEngineThreads(LinewatchConfig c) {
        if (stagesAfterInference != null || yieldToEngine != null) {
            PipelineConfig p = c.pipeline();
            c = c.withPipeline(new PipelineConfig(p.ringSize(), p.waitStrategy(), p.maxFrameAgeMs(),
                    stagesAfterInference != null ? stagesAfterInference : p.stagesAfterInference(),
                    yieldToEngine != null ? yieldToEngine : p.yieldToEngine()));
        }
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        c.models().forEach((name, m) -> {
            ModelConfig changed = threads == null ? m : m.withIntraOpThreads(threads);
            changed = spinning == null ? changed : changed.withIntraOpSpinning(spinning);
            changed = preprocessThreads == null ? changed : changed.withPreprocessThreads(preprocessThreads);
            models.put(name, instances == null ? changed : changed.withInstances(instances));
        });
        return c.withModels(models);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e6;
    }

    private static PipelineRun medianRun(List<PipelineRun> runs, ToDoubleFunction<PipelineRun> key) {
        List<PipelineRun> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Double.compare(key.applyAsDouble(a), key.applyAsDouble(b)));
        return sorted.get(sorted.size() / 2);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

}
