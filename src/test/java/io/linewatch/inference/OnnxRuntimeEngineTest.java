package io.linewatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linewatch.pipeline.NativeThreads;
import io.linewatch.testing.ReferenceTensors;
import io.linewatch.testing.Shipped;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real engine on the shipped model. */
class OnnxRuntimeEngineTest {

    @TempDir
    Path dir;

    @Test
    void readsTheSignatureOfTheShippedModel() throws Exception {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(Shipped.MODEL, 1, 0, 0)) {
            ModelSignature s = engine.signature();
            assertThat(s.inputName()).isEqualTo("images");
            assertThat(s.channels()).isEqualTo(3);
            assertThat(s.width()).isEqualTo(384);
            assertThat(s.height()).isEqualTo(224);
            assertThat(s.outputs().get(0).name()).isEqualTo("output0");
            assertThat(s.outputDims()[0]).isEqualTo(6);
            assertThat(s.fixedBatch()).isZero();
        }
    }

    /**
     * ONNX Runtime's intra-op workers are native threads born with the name of the thread that opened
     * the session; the engine names them after the model so that {@code top -H} and the bench can
     * tell them apart, and leaves the opening thread's name alone.
     */
    @Test
    void namesItsWorkerThreadsAfterTheModel() throws Exception {
        String worker = OnnxRuntimeEngine.WORKER_PREFIX + "conveyor-det".substring(0, 11);
        String opener = NativeThreads.currentName();
        try (OnnxRuntimeEngine three = OnnxRuntimeEngine.open(Shipped.MODEL, 3, 0, 0)) {
            assertThat(named(worker)).as("two workers beside the calling thread").isEqualTo(2);
            try (OnnxRuntimeEngine one = OnnxRuntimeEngine.open(Shipped.MODEL, 1, 0, 0)) {
                assertThat(named(worker)).as("one thread: the caller's own, no worker").isEqualTo(2);
            }
            assertThat(NativeThreads.currentName()).isEqualTo(opener);
        }
        assertThat(named(worker)).as("closing the session ends its workers").isZero();
    }

    /**
     * With spinning on, the workers spin between a run's parallel sections but not after it: once
     * {@code run} returns they sleep, leaving the cores to decode and the other stages until the next
     * batch. Measured as the workers' CPU over the 300 ms after a run: 0 ms on a 2-core box, against
     * 46 ms without {@code session.force_spinning_stop}, whose workers go on spinning after each run.
     */
    @Test
    void spinningWorkersSleepOnceARunReturns() throws Exception {
        FloatBuffer input = ReferenceTensors.floats("input_b3.bin");
        String worker = OnnxRuntimeEngine.WORKER_PREFIX + "conveyor-det".substring(0, 11);
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(Shipped.MODEL, 3, true, 0, 0)) {
            FloatBuffer output = direct(3 * engine.signature().outputs().get(0).floats());
            for (int i = 0; i < 5; i++) {
                engine.run(input, output, 3);
            }
            long before = cpuNanos(worker);
            Thread.sleep(300);
            long spentMillis = (cpuNanos(worker) - before) / 1_000_000;
            assertThat(spentMillis).as("the two workers' CPU in the 300 ms after a run, ms").isLessThan(10);
        }
    }

    private static long cpuNanos(String name) {
        return NativeThreads.all().values().stream().filter(t -> t.name().equals(name))
                .mapToLong(NativeThreads.Use::cpuNanos).sum();
    }

    private static long named(String name) {
        return NativeThreads.all().values().stream().filter(t -> t.name().equals(name)).count();
    }

    @Test
    void batchOfThreeInPlaceMatchesTheRecordedOutputAndBatchesOfOne() throws Exception {
        FloatBuffer input = ReferenceTensors.floats("input_b3.bin");
        FloatBuffer recorded = ReferenceTensors.floats("yolov8_b3.bin");
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(Shipped.MODEL, 2, 0, 0)) {
            int outFloats = engine.signature().outputs().get(0).floats();
            int inFloats = engine.signature().inputFloats();
            FloatBuffer batch = direct(3 * outFloats);
            engine.run(input, batch, 3);
            FloatBuffer single = direct(outFloats);
            for (int i = 0; i < 3; i++) {
                engine.run(input.slice(i * inFloats, inFloats), single, 1);
                for (int k = 0; k < outFloats; k++) {
                    assertThat(single.get(k)).isCloseTo(batch.get(i * outFloats + k),
                            org.assertj.core.api.Assertions.within(1e-3f));
                }
            }
            double maxDiff = 0;
            for (int k = 0; k < recorded.capacity(); k++) {
                float ref = recorded.get(k);
                maxDiff = Math.max(maxDiff, Math.abs(ref - batch.get(k)) / Math.max(1, Math.abs(ref)));
            }
            assertThat(maxDiff).as("largest relative difference from the recorded output").isLessThan(1e-4);
        }
    }

    @Test
    void missingOrCorruptModelsFailWithOneLine() throws Exception {
        Path missing = dir.resolve("none.onnx");
        assertThatThrownBy(() -> OnnxRuntimeEngine.open(missing, 1, 0, 0))
                .isInstanceOf(EngineException.class).hasMessage("model " + missing + ": no such file");
        Path junk = dir.resolve("junk.onnx");
        Files.write(junk, "this is not a model".getBytes());
        assertThatThrownBy(() -> OnnxRuntimeEngine.open(junk, 1, 0, 0))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("model " + junk + ": cannot load: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
