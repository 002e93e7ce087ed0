package io.linewatch.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.LatencyStats;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inference stage's batching on one thread, with an engine that doubles its input: batches end
 * at endOfBatch or at the batch size; a batch that wraps around the ring, or skips a failed frame,
 * goes through staging and still lands in the right slots.
 */
class InferenceHandlerTest {

    private static final int FLOATS = 2;

    /** Two outputs: every input float doubled, and each frame's sum; remembers each call's batch size. */
    private static final class DoublingEngine implements InferenceEngine {
        final List<Integer> batches = new ArrayList<>();

        @Override
        public ModelSignature signature() {
            return new ModelSignature("in", 1, 1, FLOATS, List.of(new ModelSignature.Output("double", new long[] {FLOATS}),
                    new ModelSignature.Output("sum", new long[] {1})), 0);
        }

        @Override
        public void run(FloatBuffer input, FloatBuffer[] outputs, int batch) {
            batches.add(batch);
            for (int i = 0; i < batch * FLOATS; i++) {
                outputs[0].put(i, input.get(i) * 2);
            }
            for (int f = 0; f < batch; f++) {
                outputs[1].put(f, input.get(f * FLOATS) + input.get(f * FLOATS + 1));
            }
        }

        @Override
        public void close() {
            // nothing native
        }
    }

    private final FrameEventFactory factory = new FrameEventFactory(4, 3, FLOATS, new int[] {FLOATS, 1}, 1);
    private final FrameEvent[] slots = new FrameEvent[4];
    private final DoublingEngine engine = new DoublingEngine();
    private final List<CameraStats> stats = List.of(new CameraStats("cam"));
    private InferenceHandler handler;

    private void setUp(int maxBatch) {
        for (int i = 0; i < 4; i++) {
            slots[i] = factory.newInstance();
            slots[i].input.put(0, 10 * i + 1).put(1, 10 * i + 2);
        }
        handler = new InferenceHandler(engine, factory.inputArena(), factory.outputArenas(), maxBatch, stats,
                Freshness.unlimited(stats), new LatencyStats());
    }

    private void feed(int... slotIndexes) throws Exception {
        for (int k = 0; k < slotIndexes.length; k++) {
            handler.onEvent(slots[slotIndexes[k]], 0, k == slotIndexes.length - 1);
        }
    }

    @Test
    void consecutiveSlotsRunAsOneBatchCappedAtTheBatchSize() throws Exception {
        setUp(3);
        feed(0, 1, 2, 3);
        assertThat(engine.batches).containsExactly(3, 1);
        for (int i = 0; i < 4; i++) {
            assertThat(slots[i].output.get(0)).isEqualTo(2 * (10 * i + 1));
            assertThat(slots[i].output.get(1)).isEqualTo(2 * (10 * i + 2));
            assertThat(slots[i].outputs[1].get(0)).as("second output of slot %d", i).isEqualTo(20 * i + 3);
        }
        assertThat(stats.get(0).inferred.get()).isEqualTo(4);
    }

    @Test
    void aBatchThatWrapsAroundTheRingLandsInItsSlots() throws Exception {
        setUp(4);
        feed(2, 3, 0, 1);
        assertThat(engine.batches).containsExactly(4);
        for (int i = 0; i < 4; i++) {
            assertThat(slots[i].output.get(1)).isEqualTo(2 * (10 * i + 2));
            assertThat(slots[i].outputs[1].get(0)).as("second output of slot %d", i).isEqualTo(20 * i + 3);
        }
    }

    @Test
    void failedFramesAreLeftOutOfTheBatch() throws Exception {
        setUp(4);
        slots[1].failedStage = "preprocess";
        feed(0, 1, 2);
        assertThat(engine.batches).containsExactly(2);
        assertThat(slots[0].output.get(0)).isEqualTo(2f);
        assertThat(slots[1].output.get(0)).isZero();
        assertThat(slots[2].output.get(0)).isEqualTo(42f);
        assertThat(stats.get(0).inferred.get()).isEqualTo(2);
    }
}
