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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The inference stage's batching on one thread, with an engine that doubles its input: batches end
 * at endOfBatch or at the batch size; a batch that wraps around the ring, or skips a failed frame,
 * goes through staging and still lands in the right slots. A live camera's frame older than its
 * budget is never inferred: dropped when it joins a batch, or when the engine starts on the batch.
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

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * An engine that takes {@code runNanos} of a stub clock per call and, as each call starts, notes
     * the age of every frame it is given (each frame's input carries the frame's number).
     */
    private static final class SlowEngine implements InferenceEngine {
        final AtomicLong clock;
        final long runNanos;
        final long[] captureNanosByFrame;
        final List<Long> agesAtStart = new ArrayList<>();
        final List<Integer> framesRun = new ArrayList<>();

        SlowEngine(AtomicLong clock, long runNanos, long[] captureNanosByFrame) {
            this.clock = clock;
            this.runNanos = runNanos;
            this.captureNanosByFrame = captureNanosByFrame;
        }

        @Override
        public ModelSignature signature() {
            return new ModelSignature("in", 1, 1, FLOATS, List.of(new ModelSignature.Output("out", new long[] {FLOATS})), 0);
        }

        @Override
        public void run(FloatBuffer input, FloatBuffer[] outputs, int batch) {
            for (int f = 0; f < batch; f++) {
                int frame = (int) input.get(f * FLOATS);
                framesRun.add(frame);
                agesAtStart.add(clock.get() - captureNanosByFrame[frame]);
            }
            clock.addAndGet(runNanos);
        }

        @Override
        public void close() {
            // nothing native
        }
    }

    /**
     * Budget 100 ms, engine 70 ms a call, batches of 2, on a stub clock. Frames 0 and 1 (captured at
     * 0) run at 0. Frame 2 (captured at 0) joins at 70 ms, 70 ms old; the stage then waits 40 ms for
     * frame 3 (captured at 100 ms), so at engine start, 110 ms, frame 2 is too old and frame 3 runs
     * alone. Frame 4 (captured at 50 ms) reaches the stage at 180 ms, too old to join.
     */
    @Test
    void aLiveFrameOlderThanItsBudgetAtEngineStartIsDroppedNotInferred() throws Exception {
        AtomicLong clock = new AtomicLong();
        long[] captured = {0, 0, 0, 100 * MS, 50 * MS};
        SlowEngine slow = new SlowEngine(clock, 70 * MS, captured);
        FrameEventFactory live = new FrameEventFactory(4, 3, FLOATS, new int[] {FLOATS}, 1);
        FrameEvent[] ring = new FrameEvent[4];
        for (int i = 0; i < 4; i++) {
            ring[i] = live.newInstance();
        }
        AtomicLong cursor = new AtomicLong();
        Freshness freshness = new Freshness(new long[] {100 * MS}, stats, cursor::get, 8, clock::get);
        LatencyStats ages = new LatencyStats();
        InferenceHandler inference = new InferenceHandler(slow, live.inputArena(), live.outputArenas(), 2, stats,
                freshness, ages);

        long[] clockWhenDelivered = {-1, -1, -1, 110 * MS, -1};
        boolean[] endOfBatch = {false, true, false, true, true};
        for (int frame = 0; frame < captured.length; frame++) {
            if (clockWhenDelivered[frame] >= 0) {
                clock.set(clockWhenDelivered[frame]);
            }
            FrameEvent event = ring[frame % 4];
            event.dropped = false;
            event.inferred = false;
            event.captureNanos = captured[frame];
            event.input.put(0, frame);
            cursor.set(frame);
            inference.onEvent(event, frame, endOfBatch[frame]);
        }

        assertThat(stats.get(0).droppedTooOld.get()).as("frames dropped too old").isEqualTo(2);
        assertThat(slow.framesRun).as("frames inferred").containsExactly(0, 1, 3);
        assertThat(slow.agesAtStart).as("age of each inferred frame at engine start")
                .allSatisfy(age -> assertThat(age).isLessThanOrEqualTo(100 * MS));
        assertThat(stats.get(0).inferred.get()).isEqualTo(3);
        assertThat(ages.snapshot().getMaxValue()).as("largest age recorded at inference").isLessThanOrEqualTo(100 * MS);
        assertThat(ring[2].dropped).as("frame 2 marked dropped").isTrue();
        assertThat(ring[2].inferred).as("frame 2 marked inferred").isFalse();
    }
}
