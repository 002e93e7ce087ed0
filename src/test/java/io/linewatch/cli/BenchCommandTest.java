package io.linewatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.testing.Cli;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark command runs end to end on a tiny workload and prints every section. It asserts
 * what the report holds, never how fast anything was (figures belong in BENCHMARKS.md).
 */
class BenchCommandTest {

    @Test
    void aTinyBenchPrintsEverySection() {
        Cli.Result r = Cli.run("bench", "--rounds", "1", "--cameras", "1,2", "--frames", "40", "--latency-cameras", "1",
                "--no-baselines", "--source-heights", "0");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("## efficiency")
                .containsPattern("\\| 1 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
                .containsPattern("\\| 2 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
                // the engine's wait for a core, in the pipeline and (its one thread, which has ended) the bare run
                .containsPattern("\\| [0-9.]+ \\([0-9.]+\\) \\|")
                .contains("## per frame and stage")
                .containsPattern("\\| inference \\| [0-9.]+ \\|")
                .containsPattern("\\| decode \\| [0-9.]+ \\|")
                .contains("## latency")
                .containsPattern("\\| 50% \\| [0-9.]+ \\|")
                .containsPattern("\\| 90% \\| [0-9.]+ \\|")
                .contains("## baselines: skipped: --no-baselines")
                .contains("## large sources: skipped: --source-heights 0")
                .containsPattern("memory: resident [0-9]+ MiB at start, [0-9]+ MiB at the end \\(Pss [0-9]+ MiB\\)")
                .contains(", GC " + JvmProbes.collector());
    }

    /** Clips off against on: both rows, with clips written only when on (the conveyor raises within 300 frames). */
    @Test
    void theClipsCostComparesClipsOffAndOn() {
        Cli.Result r = Cli.run("bench", "--clips-cost", "--rounds", "1", "--frames", "300");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("## evidence clips")
                .containsPattern("\\| off \\| [0-9.]+ \\| [0-9]+ \\| 0 \\| [0-9.]+ \\| \\[0\\] \\|")
                .containsPattern("\\| on \\| [0-9.]+ \\| [0-9]+ \\| [0-9]+ \\| [0-9.]+ \\| \\[[1-9][0-9]*\\] \\|")
                .containsPattern("clips on / off: fps [0-9.]+")
                .containsPattern("\\| clips \\| 0 \\| [0-9]+ \\|");
    }

    /**
     * The seed-style Python baseline runs a classification config's model on the config's own
     * regions (as --region X,Y,W,H, in order), and a detection config's model as before (no task).
     */
    @Test
    void theSeedBaselineClassifiesTheConfiguredRegions() throws Exception {
        LinewatchConfig process = ConfigLoader.load(Path.of("deploy/examples/process.yaml"));
        List<String> command = Baselines.seedPythonCommand("/usr/bin/python3", Path.of("samples/process.mp4"),
                process.cameras().get(0).classification().regions(), 2, 4, 1, 300, true);
        assertThat(String.join(" ", command)).isEqualTo("/usr/bin/python3 bench/seed_pipeline.py --clip"
                + " samples/process.mp4 --cameras 2 --batch 4 --threads 1 --frames 300 --task classification"
                + " --region 52,72,96,96 --region 172,72,96,96 --freeze");
        assertThat(Baselines.seedPythonCommand("python3", Path.of("samples/process.mp4"), List.of(), 1, 4, 1, 300, false))
                .containsSequence("--task", "classification", "--whole-frame");
        assertThat(Baselines.seedPythonCommand("python3", Path.of("samples/conveyor.mp4"), null, 1, 4, 1, 300, false))
                .doesNotContain("--task", "--region", "--freeze");
    }

    /**
     * No latency cameras and no one-camera run: the bench still finishes, and every table it cannot
     * fill says why (the seed comparison's one-camera row, the latency section) instead of staying empty.
     */
    @Test
    void aComparisonItCannotRunSaysWhy() {
        Cli.Result r = Cli.run("bench", "--rounds", "1", "--cameras", "2", "--frames", "40", "--latency-cameras", "0",
                "--source-heights", "1080", "--source-frames", "12");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .containsPattern("\\| 2 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|")
                .contains("## latency: skipped: --latency-cameras is 0")
                .contains("## against the seed-style Python pipeline")
                .contains("| 1 | skipped: no efficiency run with 1 camera to compare with (--cameras 2) | | | |")
                .contains("## decode:")
                .contains("## large sources")
                .containsPattern("\\| 1920x1080 \\| bgr24 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|");
    }

    /**
     * Two engine instances of two threads each, spinning, and two preprocess threads: the header says
     * so, and the stage table has one preprocess row, the two threads' frames and CPU together; each
     * efficiency row has the bound beside the pipeline's figure with the ratio to it, and the engine's wait for a core in
     * the pipeline and the bare run; the stage table has each stage's wait and a row for ONNX
     * Runtime's worker threads, which only the names the engine gives them make visible.
     */
    @Test
    void instancesAndSpinningAreOverriddenAndTheBoundIsPrinted() {
        Cli.Result r = Cli.run("bench", "--rounds", "1", "--cameras", "2", "--frames", "40", "--latency-cameras", "0",
                "--no-baselines", "--source-heights", "0", "--instances", "2", "--threads", "2",
                "--intra-op-spinning", "true", "--preprocess-threads", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String number = " ([0-9.]+) \\|";
        assertThat(r.out().lines().filter(line -> line.startsWith("| preprocess |"))).hasSize(1);
        assertThat(r.out())
                .contains("2 intra-op thread(s) spinning, 2 engine instance(s), 2 preprocess thread(s)")
                .containsPattern("\\| preprocess \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9]+ \\|")
                .contains("| cameras | bare engine fps | engine CPU ms / frame | other stages CPU ms / frame | bound fps"
                        + " | pipeline fps | pipeline / engine | pipeline / bound | pipeline CPU ms / frame"
                        + " | engine waited for a core ms / frame: pipeline (bare) |")
                .containsPattern("\\| 2 \\|" + number.repeat(8) + " [0-9.]+ \\([0-9.]+\\) \\|")
                // a capture thread whose 40 frames ran out inside the window has no wait to show
                .containsPattern("\\| decode \\| [0-9.]+ \\| [0-9.]+ \\| ([0-9.]+|n/a) \\| [0-9]+ \\|")
                .containsPattern("\\| inference \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| [0-9]+ \\|")
                .containsPattern("\\| \\(engine workers\\) \\| \\| [0-9.]*[1-9][0-9.]* \\| [0-9.]+ \\| \\|")
                .contains("## where the bound goes")
                .containsPattern("\\| 2 \\| [0-9.]+ \\| ([0-9.]+ \\| [0-9.]+ \\([0-9.]+\\) \\| [0-9.]+ \\| -?[0-9.]+ \\([0-9.]+\\) \\| [0-9.]+"
                        + "|the bound is the bare engine's speed, not the cores) \\|");
    }

    /**
     * The shortfall's three factors multiply to pipeline / bound: 150 fps on 2 cores at 12 ms of
     * process CPU a frame is 0.9 of the cores busy; the engine's 9 ms in the pipeline against 7 ms
     * bare, beside 2 ms of other stages, is 9 / 11; 1 ms outside the stages is 11 / 12.
     */
    @Test
    void theShortfallsFactorsMultiplyToPipelineOverBound() {
        BoundShortfall s = BoundShortfall.of(150, 2, 12, 9, 7, 2, 0.25);
        assertThat(s.coresBusy()).isCloseTo(0.9, within(1e-9));
        assertThat(s.engineFactor()).isCloseTo(9.0 / 11, within(1e-9));
        assertThat(s.outsideFactor()).isCloseTo(11.0 / 12, within(1e-9));
        assertThat(s.outsideCpuMillis()).isCloseTo(1, within(1e-9));
        assertThat(s.ratio()).isCloseTo(150 / BenchCommand.bound(1000, 7, 2, 2), within(1e-9));
        assertThat(s.row(4, 7)).isEqualTo("| 4 | 0.675 | 0.900 | 9.00 (7.00) | 0.818 | 1.00 (0.25) | 0.917 |");
    }

    /** The bound is the cores over the CPU per frame, never above the bare engine. */
    @Test
    void theBoundIsTheCoresOverTheCpuPerFrameCappedAtTheEngine() {
        assertThat(BenchCommand.bound(100, 8, 2, 2)).isEqualTo(100);
        assertThat(BenchCommand.bound(300, 8, 2, 2)).isEqualTo(200);
        assertThat(BenchCommand.bound(300, 8, 2, 1)).isEqualTo(100);
    }

    @Test
    void noBaselinesSaysSoAndZeroCamerasIsAOneLineError() {
        assertThat(BenchCommand.seedCameraCounts(0)).containsExactly(1);
        assertThat(BenchCommand.seedCameraCounts(1)).containsExactly(1);
        assertThat(BenchCommand.seedCameraCounts(4)).containsExactly(1, 4);
        Cli.Result r = Cli.run("bench", "--cameras", "0,2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errorLines()).containsExactly(
                "linewatch: error: bench: --cameras needs camera counts of at least 1, got [0, 2]");
        Cli.Result instances = Cli.run("bench", "--instances", "0");
        assertThat(instances.exitCode()).isEqualTo(2);
        assertThat(instances.errorLines()).containsExactly("linewatch: error: bench: --instances must be 1..16, got 0");
        Cli.Result preprocess = Cli.run("bench", "--preprocess-threads", "17");
        assertThat(preprocess.exitCode()).isEqualTo(2);
        assertThat(preprocess.errorLines())
                .containsExactly("linewatch: error: bench: --preprocess-threads must be 1..16, got 17");
    }
}
