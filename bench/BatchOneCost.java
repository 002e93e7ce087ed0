import io.linewatch.inference.OnnxRuntimeEngine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a static batch-1 export costs against a dynamic-batch export of the same network, engine
 * time per frame on ONNX Runtime (1 intra-op thread), the sides alternating within each round:
 * A: the batch-1 file, 4 calls of 1 frame; B: the dynamic file, 1 call of 4 frames; C: the dynamic
 * file, 4 calls of 1 frame. Prints the median ms per frame of each over the rounds, and B/A, C/A.
 *
 *   java -cp target/classes:$(cat target/runtime.classpath) bench/BatchOneCost.java B1.onnx DYNAMIC.onnx [ROUNDS] [ITERATIONS]
 */
public class BatchOneCost {

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 25;
        try (OnnxRuntimeEngine one = OnnxRuntimeEngine.open(Path.of(args[0]), 1, 0, 0);
             OnnxRuntimeEngine dynamic = OnnxRuntimeEngine.open(Path.of(args[1]), 1, 0, 0)) {
            int in = dynamic.signature().inputFloats();
            int out = dynamic.signature().outputFloatsEach()[0];
            FloatBuffer input = floats(4 * in);
            for (int i = 0; i < 4 * in; i++) {
                input.put(i, (i % 251) / 251f);
            }
            FloatBuffer output = floats(4 * out);
            double[][] msPerFrame = new double[3][rounds];
            for (int r = -1; r < rounds; r++) { // round -1 warms up
                double a = time(iterations, () -> fourCalls(one, input, output, in, out));
                double b = time(iterations, () -> dynamic.run(input, output, 4));
                double c = time(iterations, () -> fourCalls(dynamic, input, output, in, out));
                if (r >= 0) {
                    msPerFrame[0][r] = a / 4;
                    msPerFrame[1][r] = b / 4;
                    msPerFrame[2][r] = c / 4;
                }
            }
            double a = median(msPerFrame[0]);
            double b = median(msPerFrame[1]);
            double c = median(msPerFrame[2]);
            System.out.printf("ms per frame, median of %d rounds of %d x 4 frames:%n", rounds, iterations);
            System.out.printf("A batch-1 export, 4 calls of 1: %.2f%nB dynamic export, 1 call of 4:  %.2f (B/A %.3f)%n"
                    + "C dynamic export, 4 calls of 1: %.2f (C/A %.3f)%n", a, b, b / a, c, c / a);
        }
    }

    interface Run {
        void run() throws Exception;
    }

    private static void fourCalls(OnnxRuntimeEngine e, FloatBuffer input, FloatBuffer output, int in, int out)
            throws Exception {
        for (int f = 0; f < 4; f++) {
            e.run(input.slice(f * in, in), output.slice(f * out, out), 1);
        }
    }

    /** Median ms of one call of {@code run} over {@code iterations}. */
    private static double time(int iterations, Run run) throws Exception {
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t = System.nanoTime();
            run.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return median(ms);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
