package io.linewatch.pipeline;

import com.lmax.disruptor.EventHandler;
import java.util.concurrent.CountDownLatch;

/**
 * Wraps a stage's handler to add its time per frame to the stage's {@link StageStats}, and to tell
 * the lane when the stage has started; runs on the stage's thread.
 */
final class TimedHandler implements EventHandler<FrameEvent> {

    private final EventHandler<FrameEvent> handler;
    private final StageStats stats;
    private final CountDownLatch started;

    /** @param started counted down once the handler's own start (warm-up) is done */
    TimedHandler(EventHandler<FrameEvent> handler, StageStats stats, CountDownLatch started) {
        this.handler = handler;
        this.stats = stats;
        this.started = started;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws Exception {
        long start = System.nanoTime();
        try {
            handler.onEvent(event, sequence, endOfBatch);
        } finally {
            stats.busyNanos.addAndGet(System.nanoTime() - start);
            stats.frames.incrementAndGet();
        }
    }

    @Override
    public void onBatchStart(long batchSize, long queueDepth) {
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
