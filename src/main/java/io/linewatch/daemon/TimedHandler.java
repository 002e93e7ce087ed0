package io.linewatch.daemon;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.StageStats;
import java.util.concurrent.CountDownLatch;

/**
 * Wraps a stage's handler to add its time per frame and its batch sizes to the stage's {@link
 * StageStats}, and to tell the lane when the stage has started; runs on the stage's thread. A
 * batching stage (inference: the Disruptor's batch is its engine call) does its work for a whole
 * batch in one of the batch's calls, so each of its frames is timed at the batch's total. One of
 * several instances of a stage times and counts only the frames it owns (its batch sizes too), so
 * that the instances' shared {@link StageStats} count each frame once; the others reach the handler
 * only when it batches (an engine instance sees every frame, to end its call where the Disruptor's
 * batch ends), so a per-frame stage runs only its own.
 */
final class TimedHandler implements EventHandler<FrameEvent> {

    private final EventHandler<FrameEvent> handler;
    private final StageStats stats;
    private final CountDownLatch started;
    private final boolean batching;
    private final Lane.Owner owns;
    private final boolean everyFrame;
    private long batchFrames;
    private long batchNanos;

    /**
     * @param started  counted down once the handler's own start (warm-up) is done
     * @param batching the handler works on whole batches (frames are timed per batch)
     */
    TimedHandler(EventHandler<FrameEvent> handler, StageStats stats, CountDownLatch started, boolean batching) {
        this(handler, stats, started, batching, null);
    }

    /** @param owns the frames this instance of the stage runs; null: every one */
    TimedHandler(EventHandler<FrameEvent> handler, StageStats stats, CountDownLatch started, boolean batching,
                 Lane.Owner owns) {
        this.handler = handler;
        this.stats = stats;
        this.started = started;
        this.batching = batching;
        this.everyFrame = owns == null;
        this.owns = owns;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws Exception {
        if (!everyFrame && !owns.owns(event, sequence)) {
            if (batching) {
                handler.onEvent(event, sequence, endOfBatch); // an engine instance ends its call at the batch's end
            }
            if (endOfBatch) {
                endBatch();
            }
            return;
        }
        long start = System.nanoTime();
        try {
            handler.onEvent(event, sequence, endOfBatch);
        } finally {
            long nanos = System.nanoTime() - start;
            stats.busyNanos.addAndGet(nanos);
            stats.frames.incrementAndGet();
            record(nanos, endOfBatch);
        }
    }

    private void record(long nanos, boolean endOfBatch) {
        if (!batching) {
            stats.latencyNanos.record(nanos, 1);
            return;
        }
        batchFrames++;
        batchNanos += nanos;
        if (endOfBatch) {
            endBatch();
        }
    }

    /** An instance's batch: the frames it owned of the Disruptor's batch, timed at their total. */
    private void endBatch() {
        if (batchFrames > 0) {
            stats.latencyNanos.record(batchNanos, batchFrames);
            if (!everyFrame) {
                stats.batchFrames.record(batchFrames, 1);
            }
        }
        batchFrames = 0;
        batchNanos = 0;
    }

    @Override
    public void onBatchStart(long batchSize, long queueDepth) {
        if (everyFrame) {
            stats.batchFrames.record(batchSize, 1);
        }
        handler.onBatchStart(batchSize, queueDepth);
    }

    @Override
    public void onStart() {
        try {
            handler.onStart();
        } finally {
            started.countDown();
        }
    }

    @Override
    public void onShutdown() {
        handler.onShutdown();
    }

    @Override
    public void onTimeout(long sequence) throws Exception {
        handler.onTimeout(sequence);
    }
}
