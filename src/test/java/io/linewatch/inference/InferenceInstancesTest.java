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
 * Two instances of the inference stage see every sequence of the ring: each runs only its own
 * blocks of batch-size sequences (instance k of N: (sequence / batch) % N == k), a whole block as
 * soon as its last sequence arrives, a partial block at endOfBatch, and leaves the other's slots alone.
 */
class InferenceInstancesTest {

    private static final int BATCH = 2;
    private static final int SLOTS = 8;

    /** Writes each frame's input + 1 to its output; remembers the first input of each call and its size. */
    private static final class PlusOneEngine implements InferenceEngine {
        final List<String> calls = new ArrayList<>();

        @Override
        public ModelSignature signature() {
            return new ModelSignature("in", 1, 1, 1, List.of(new ModelSignature.Output("out", new long[] {1})), 0);
        }

        @Override
        public void run(FloatBuffer input, FloatBuffer[] outputs, int batch) {
            calls.add((int) input.get(0) + "x" + batch);
            for (int i = 0; i < batch; i++) {
                outputs[0].put(i, input.get(i) + 1);
            }
        }

        @Override
        public void close() {
            // nothing native
        }
    }

    @Test
    void eachInstanceRunsItsOwnBlocksOnly() throws Exception {
        FrameEventFactory factory = new FrameEventFactory(SLOTS, 3, 1, new int[] {1}, 1);
        FrameEvent[] slots = new FrameEvent[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = factory.newInstance();
            slots[i].input.put(0, 10 * i);
            slots[i].outputs[0].put(0, -1);
        }
        List<CameraStats> stats = List.of(new CameraStats("cam"));
        PlusOneEngine[] engines = {new PlusOneEngine(), new PlusOneEngine()};
        InferenceHandler[] handlers = new InferenceHandler[2];
        for (int k = 0; k < 2; k++) {
            handlers[k] = new InferenceHandler(engines[k], factory.inputArena(), factory.outputArenas(), BATCH, 1, stats,
                    Freshness.unlimited(stats), new LatencyStats(), k, 2);
        }
        // Sequences 0..6 arrive as one Disruptor batch; 7 is not published yet.
        for (InferenceHandler h : handlers) {
            for (int seq = 0; seq <= 6; seq++) {
                h.onEvent(slots[seq], seq, seq == 6);
            }
        }
        // Blocks {0,1} and {4,5} are instance 0's; {2,3} and {6,7} instance 1's, which runs 6 alone at endOfBatch.
        assertThat(engines[0].calls).containsExactly("0x2", "40x2");
        assertThat(engines[1].calls).containsExactly("20x2", "60x1");
        assertThat(handlers[0].owns(7)).isFalse();
        assertThat(handlers[1].owns(7)).isTrue();
        for (int seq = 0; seq <= 6; seq++) {
            assertThat(slots[seq].outputs[0].get(0)).as("slot %d", seq).isEqualTo(10 * seq + 1);
            assertThat(slots[seq].inferred).isTrue();
        }
        assertThat(slots[7].outputs[0].get(0)).isEqualTo(-1);
        assertThat(stats.get(0).inferred.get()).isEqualTo(7);
    }
}
