package io.linewatch.bench;

import io.linewatch.preprocess.LetterboxGeometry;
import io.linewatch.preprocess.LetterboxResampler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 * Letterbox, BGR to RGB, normalisation and HWC to CHW of one frame (the preprocess stage's whole
 * per-frame work), for the shipped model's input and a common 640x640 one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LetterboxBenchmark {

    @Param({"640x360->384x224", "1920x1080->640x640"})
    String sizes;

    private byte[] frame;
    private int width;
    private int height;
    private LetterboxResampler resampler;
    private FloatBuffer input;

    @Setup
    public void setUp() {
        String[] parts = sizes.split("->");
        String[] src = parts[0].split("x");
        String[] dst = parts[1].split("x");
        width = Integer.parseInt(src[0]);
        height = Integer.parseInt(src[1]);
        int inW = Integer.parseInt(dst[0]);
        int inH = Integer.parseInt(dst[1]);
        frame = new byte[width * height * 3];
        new Random(7).nextBytes(frame);
        resampler = new LetterboxResampler(inW, inH, 1 / 255.0, new double[3], new double[] {1, 1, 1}, 114);
        input = ByteBuffer.allocateDirect(3 * inW * inH * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Benchmark
    public LetterboxGeometry letterbox() {
        return resampler.apply(frame, width, height, input, 0);
    }
}
