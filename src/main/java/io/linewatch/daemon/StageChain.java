package io.linewatch.daemon;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import java.util.List;

/**
 * Several stages on one thread: each frame goes through their handlers in order. A handler that
 * throws has the frame marked failed by its own {@link MarkFailedExceptionHandler}, and the frame goes
 * on to the next handlers, which skip a failed frame as they do on threads of their own. Starts,
 * batch starts and shutdowns reach every handler in order. Runs on the chain's thread.
 *
 * <p>Why: a stage on a thread of its own that waits for the stage before it wakes every 0.1 ms
 * (the sleeping wait strategy); the stages after inference wait for nearly every frame, so their
 * wake-ups, not their work, were their CPU (0.10-0.25 ms of CPU a frame each for 0.00-0.05 ms of work).
 */
final class StageChain implements EventHandler<FrameEvent> {

    private final TimedHandler[] handlers;
    private final MarkFailedExceptionHandler[] failures;

    StageChain(List<TimedHandler> handlers, List<MarkFailedExceptionHandler> failures) {
        this.handlers = handlers.toArray(TimedHandler[]::new);
        this.failures = failures.toArray(MarkFailedExceptionHandler[]::new);
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        for (int i = 0; i < handlers.length; i++) {
            try {
                handlers[i].onEvent(event, sequence, endOfBatch);
            } catch (Exception e) {
                failures[i].handleEventException(e, sequence, event);
            }
        }
    }

    @Override
    public void onBatchStart(long batchSize, long queueDepth) {
        for (TimedHandler h : handlers) {
            h.onBatchStart(batchSize, queueDepth);
        }
    }

    @Override
    public void onStart() {
        for (int i = 0; i < handlers.length; i++) {
            try {
                handlers[i].onStart();
            } catch (RuntimeException e) {
                failures[i].handleOnStartException(e);
            }
        }
    }

    @Override
    public void onShutdown() {
        for (int i = 0; i < handlers.length; i++) {
            try {
                handlers[i].onShutdown();
            } catch (RuntimeException e) {
                failures[i].handleOnShutdownException(e);
            }
        }
    }

    @Override
    public void onTimeout(long sequence) throws Exception {
        for (TimedHandler h : handlers) {
            h.onTimeout(sequence);
        }
    }
}
