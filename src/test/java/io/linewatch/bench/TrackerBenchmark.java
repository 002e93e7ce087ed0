package io.linewatch.bench;

import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.Tracks;
import io.linewatch.postprocess.Tracker;
import java.util.Random;
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
 * One frame of the tracker (Kalman predict and correct, three rounds of assignment, track starts
 * and ends) with 5, 50 and 200 objects of two classes moving across a 1920x1080 frame at up to 6 px a
 * frame, leaving at one edge and entering at the other, with 1 px of box jitter, one detection in
 * 20 at a low score and one in 30 missed. 1000 pre-made frames are fed in a loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TrackerBenchmark {

    private static final int FRAMES = 1000;

    @Param({"5", "50", "200"})
    int objects;

    private Detections[] frames;
    private Tracker tracker;
    private Tracks out;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        float[] x = new float[objects];
        float[] y = new float[objects];
        float[] vx = new float[objects];
        float[] vy = new float[objects];
        for (int o = 0; o < objects; o++) {
            x[o] = random.nextFloat() * 1920;
            y[o] = random.nextFloat() * 1040;
            vx[o] = (random.nextFloat() - 0.5f) * 12;
            vy[o] = (random.nextFloat() - 0.5f) * 4;
        }
        frames = new Detections[FRAMES];
        for (int f = 0; f < FRAMES; f++) {
            frames[f] = new Detections(256);
            for (int o = 0; o < objects; o++) {
                x[o] = (x[o] + vx[o] + 1960) % 1960 - 40;
                y[o] = (y[o] + vy[o] + 1080) % 1080;
                if (random.nextInt(30) != 0) {
                    float jx = random.nextFloat() - 0.5f;
                    float jy = random.nextFloat() - 0.5f;
                    frames[f].add(x[o] + jx, y[o] + jy, x[o] + 40 + jx, y[o] + 40 + jy,
                            random.nextInt(20) == 0 ? 0.3f : 0.9f, o % 2);
                }
            }
        }
        TrackerConfig config = new TrackerConfig(null, null, null, null, null, null, 512);
        tracker = new Tracker(config, 256, Tracker.assignmentFor(config, 256));
        out = new Tracks(256, 512);
    }

    @Benchmark
    public int update() {
        Detections d = frames[next];
        next = next + 1 == FRAMES ? 0 : next + 1;
        tracker.update(d, out);
        return tracker.trackCount();
    }
}
