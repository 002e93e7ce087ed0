package io.linewatch.inference;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.LatencyStats;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The inference stage of one lane, on its own thread. Collects frames until the Disruptor's
 * {@code endOfBatch} (batches are capped at the model's batch size by the processor), then runs
 * them in one engine call. Reads the slots' inputs; writes the slots' outputs. When the batch's
 * slots are consecutive in the arenas (the usual case) the engine reads and writes them in place;
 * at the ring's wrap, or for a fixed-batch model given fewer frames, it goes through staging
 * buffers. Frames failed or dropped upstream are left out.
 *
 * <p>The backlog of an overloaded lane forms in front of this stage, so it puts every frame through
 * the lane's {@link Freshness} gate again before batching it (a frame may have aged while it
 * waited), and once more at the moment the engine starts on the batch, so that no frame older than
 * its budget is ever inferred. Records the age of every inferred frame as the engine starts on it.
 *
 * <p>A slot may hold several images (the regions of a classification camera): then each slot's input
 * and outputs are {@code imagesPerSlot} of the model's, and a batch of {@code n} frames is one engine
 * call of {@code n * imagesPerSlot} images.
 *
 * <p>A lane may run several instances of this stage ({@code instances}, each with its own engine,
 * staging buffers and thread, all after the same stage and before the same next one). Instance
 * {@code k} of {@code N} owns the blocks of {@code maxBatch} sequences with
 * {@code (sequence / maxBatch) % N == k} and leaves every other slot alone; it runs a block when the
 * block's last sequence arrives, or as it is at the Disruptor's {@code endOfBatch}. The slots of a
 * block are written by their owner only; the counters, the freshness gate and the age recorder it
 * shares with the other instances are safe from several threads.
 */
public final class InferenceHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "inference";

    private final InferenceEngine engine;
    private final FloatBuffer inputArena;
    private final FloatBuffer[] outputArenas;
    private final int inputFloats;
    private final int[] outputFloats;
    private final int maxBatch;
    private final int imagesPerSlot;
    private final FrameEvent[] batch;
    private final FloatBuffer stagingIn;
    private final FloatBuffer[] stagingOut;
    /** Reused argument arrays for the engine: views of the outputs of the batch being run. */
    private final FloatBuffer[] runOutputs;
    private final List<CameraStats> stats;
    private final Freshness freshness;
    private final LatencyStats ageAtInference;
    private final int instance;
    private final int instances;
    private int count;

    /**
     * @param inputArena  the lane's input arena, slot after slot
     * @param outputArenas the lane's output arenas, one per model output, slot after slot
     * @param maxBatch    most frames per engine call
     * @param freshness   the lane's gate for live frames
     * @param ageAtInference where each inferred frame's age (capture to engine start) is recorded
     */
    public InferenceHandler(InferenceEngine engine, FloatBuffer inputArena, FloatBuffer[] outputArenas, int maxBatch,
                            List<CameraStats> stats, Freshness freshness, LatencyStats ageAtInference) {
        this(engine, inputArena, outputArenas, maxBatch, 1, stats, freshness, ageAtInference);
    }

    /**
     * @param imagesPerSlot images each slot holds (1, or a classification lane's most regions); a
     *                      model of fixed batch takes only 1
     */
    public InferenceHandler(InferenceEngine engine, FloatBuffer inputArena, FloatBuffer[] outputArenas, int maxBatch,
                            int imagesPerSlot, List<CameraStats> stats, Freshness freshness,
                            LatencyStats ageAtInference) {
        this(engine, inputArena, outputArenas, maxBatch, imagesPerSlot, stats, freshness, ageAtInference, 0, 1);
    }

    /**
     * @param instance  which of the lane's engine instances this is, from 0
     * @param instances how many the lane runs (1: this one takes every frame)
     */
    public InferenceHandler(InferenceEngine engine, FloatBuffer inputArena, FloatBuffer[] outputArenas, int maxBatch,
                            int imagesPerSlot, List<CameraStats> stats, Freshness freshness,
                            LatencyStats ageAtInference, int instance, int instances) {
        if (instances < 1 || instance < 0 || instance >= instances) {
            throw new IllegalArgumentException("instance " + instance + " of " + instances);
        }
        ModelSignature s = engine.signature();
        if (imagesPerSlot < 1 || (imagesPerSlot > 1 && s.fixedBatch() > 0)) {
            throw new IllegalArgumentException("a model of fixed batch " + s.fixedBatch() + " cannot take "
                    + imagesPerSlot + " images a frame; export it with a dynamic batch");
        }
        this.engine = engine;
        this.inputArena = inputArena;
        this.outputArenas = outputArenas;
        this.imagesPerSlot = imagesPerSlot;
        this.inputFloats = s.inputFloats() * imagesPerSlot;
        this.outputFloats = s.outputFloatsEach();
        for (int i = 0; i < outputFloats.length; i++) {
            outputFloats[i] *= imagesPerSlot;
        }
        this.maxBatch = s.fixedBatch() > 0 ? s.fixedBatch() : maxBatch;
        this.batch = new FrameEvent[this.maxBatch];
        this.stagingIn = FrameEventFactory.directFloats((long) this.maxBatch * inputFloats);
        this.stagingOut = new FloatBuffer[outputFloats.length];
        for (int i = 0; i < outputFloats.length; i++) {
            stagingOut[i] = FrameEventFactory.directFloats((long) this.maxBatch * outputFloats[i]);
        }
        this.runOutputs = new FloatBuffer[outputFloats.length];
        this.stats = stats;
        this.freshness = freshness;
        this.ageAtInference = ageAtInference;
        this.instance = instance;
        this.instances = instances;
    }

    /** True when this instance runs the frame at {@code sequence} (always, for a lane's only instance). */
    public boolean owns(long sequence) {
        return instances == 1 || (sequence / maxBatch) % instances == instance;
    }

    /**
     * Runs one blank batch of every size up to the maximum before the first frame arrives: an
     * engine's first run of a shape is several times slower (memory planning), and that must not
     * land on the first frames of a camera.
     */
    @Override
    public void onStart() {
        try {
            for (int n = 1; n <= maxBatch; n++) {
                engine.run(stagingIn.slice(0, n * inputFloats), views(stagingOut, 0, n), n * imagesPerSlot);
                if (engine.signature().fixedBatch() > 0) {
                    break;
                }
            }
        } catch (EngineException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws EngineException {
        boolean owned = owns(sequence);
        if (owned && !freshness.skip(event, sequence)) {
            batch[count++] = event;
        }
        boolean blockEnds = instances > 1 && owned && (sequence + 1) % maxBatch == 0;
        if (count > 0 && (endOfBatch || count == maxBatch || blockEnds)) {
            flush();
        }
    }

    private void flush() throws EngineException {
        long startNanos = freshness.nowNanos();
        int n = keepFresh(count, startNanos);
        count = 0;
        if (n == 0) {
            return;
        }
        try {
            if (inPlace(n)) {
                int first = batch[0].slotIndex;
                engine.run(inputArena.slice(first * inputFloats, n * inputFloats), views(outputArenas, first, n),
                        n * imagesPerSlot);
            } else {
                runStaged(n);
            }
        } catch (EngineException | RuntimeException e) {
            for (int i = 0; i < n - 1; i++) {
                markFailed(batch[i]);
            }
            throw e;
        }
        for (int i = 0; i < n; i++) {
            batch[i].inferred = true;
            stats.get(batch[i].cameraIndex).inferred.incrementAndGet();
            ageAtInference.record(startNanos - batch[i].captureNanos);
            batch[i] = null;
        }
    }

    /** Drops the batch's frames that are too old at {@code startNanos}; the rest move up, in order. */
    private int keepFresh(int n, long startNanos) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
            FrameEvent event = batch[i];
            batch[i] = null;
            if (!freshness.tooOldAt(event, startNanos)) {
                batch[kept++] = event;
            }
        }
        return kept;
    }

    private boolean inPlace(int n) {
        if (engine.signature().fixedBatch() > 0 && n != engine.signature().fixedBatch()) {
            return false;
        }
        int first = batch[0].slotIndex;
        for (int i = 1; i < n; i++) {
            if (batch[i].slotIndex != first + i) {
                return false;
            }
        }
        return true;
    }

    private void runStaged(int n) throws EngineException {
        int runBatch = engine.signature().fixedBatch() > 0 ? engine.signature().fixedBatch() : n;
        int images = runBatch * imagesPerSlot;
        for (int i = 0; i < n; i++) {
            stagingIn.put(i * inputFloats, batch[i].input, 0, inputFloats);
        }
        engine.run(stagingIn.slice(0, runBatch * inputFloats), views(stagingOut, 0, runBatch), images);
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < outputFloats.length; o++) {
                batch[i].outputs[o].put(0, stagingOut[o], i * outputFloats[o], outputFloats[o]);
            }
        }
    }

    /** Views of {@code n} frames' outputs from frame {@code first} on, in the reused argument array. */
    private FloatBuffer[] views(FloatBuffer[] arenas, int first, int n) {
        for (int o = 0; o < arenas.length; o++) {
            runOutputs[o] = arenas[o].slice(first * outputFloats[o], n * outputFloats[o]);
        }
        return runOutputs;
    }

    private void markFailed(FrameEvent event) {
        if (event.failedStage == null) {
            event.failedStage = NAME;
            stats.get(event.cameraIndex).failed.incrementAndGet();
        }
    }
}
