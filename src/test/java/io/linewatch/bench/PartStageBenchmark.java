package io.linewatch.bench;

import io.linewatch.config.PartsConfig;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.postprocess.PartHandler;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One frame of the part stage on the shipped inspection camera's 384x288 frames: find the panels
 * (block brightness over the belt zone, connected blocks), track them, track the defect regions on
 * them. Panels of 230 x 170 px with {@code defects} regions each cross a dark belt at 13 px a frame,
 * 60 px apart, so one or two are in view; 100 pre-drawn frames are fed in a loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PartStageBenchmark {

    private static final int W = 384;
    private static final int H = 288;
    private static final int FRAMES = 100;

    @Param({"0", "4"})
    int defects;

    private FrameEvent[] frames;
    private PartHandler stage;
    private long next;

    @Setup
    public void setUp() {
        PartsConfig config = new PartsConfig(List.of(0.0, 28.0, 384.0, 268.0), null, null, null, null, null, null);
        stage = new PartHandler(new PartsConfig[] {config}, List.of(0), 32);
        frames = new FrameEvent[FRAMES];
        FrameEventFactory factory = new FrameEventFactory(FRAMES, W * H * 3, 3, new int[] {3}, 1).withDefectRegions(32)
                .parts(8);
        for (int f = 0; f < FRAMES; f++) {
            FrameEvent e = factory.newInstance();
            e.width = W;
            e.height = H;
            Arrays.fill(e.pixels, (byte) 35);
            for (int x0 = (f * 13) % 290 - 290; x0 < W; x0 += 290) {
                int x1 = Math.max(0, x0);
                int x2 = Math.min(W, x0 + 230);
                for (int y = 60; y < 230 && x2 > x1; y++) {
                    Arrays.fill(e.pixels, (y * W + x1) * 3, (y * W + x2) * 3, (byte) 160);
                }
                for (int k = 0; k < defects; k++) {
                    float dx = x0 + 20 + 50 * k;
                    if (dx >= 0 && dx + 30 <= W) {
                        e.defects.add(k % 4, 300, 75, dx, 80 + 30 * k, dx + 30, 100 + 30 * k, 0.97f);
                    }
                }
            }
            frames[f] = e;
        }
    }

    @Benchmark
    public int frame() {
        FrameEvent e = frames[(int) (next % FRAMES)];
        e.frameNumber = next++;
        stage.onEvent(e, e.frameNumber, true);
        return e.parts.boxes.count();
    }
}
