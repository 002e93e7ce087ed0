package io.linewatch.daemon;

import com.lmax.disruptor.ExceptionHandler;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the Disruptor's fatal handler for one stage: a frame that throws is marked failed in its
 * slot (later stages skip it), counted (as a drop before inference, apart after it), and logged in
 * one line; the stage thread goes on. Runs on the failing stage's thread.
 */
final class MarkFailedExceptionHandler implements ExceptionHandler<FrameEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(MarkFailedExceptionHandler.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final String stage;
    private final List<CameraStats> stats;
    private long lastLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;
    private long suppressed;

    MarkFailedExceptionHandler(String stage, List<CameraStats> stats) {
        this.stage = stage;
        this.stats = stats;
    }

    @Override
    public void handleEventException(Throwable error, long sequence, FrameEvent event) {
        if (event == null) {
            LOG.error("stage {}: {}", stage, error.toString());
            return;
        }
        if (event.failedStage == null) {
            event.failedStage = stage;
            CameraStats s = stats.get(event.cameraIndex);
            (event.inferred ? s.failedAfterInference : s.failed).incrementAndGet();
        }
        long now = System.nanoTime();
        if (now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            String more = suppressed == 0 ? "" : " (" + suppressed + " more failures not logged)";
            LOG.error("camera {}: frame {} failed in {}: {}{}", event.cameraId, event.frameNumber, stage, error, more);
            lastLogNanos = now;
            suppressed = 0;
        } else {
            suppressed++;
        }
    }

    @Override
    public void handleOnStartException(Throwable error) {
        LOG.error("stage {} failed to start: {}", stage, error.toString());
    }

    @Override
    public void handleOnShutdownException(Throwable error) {
        LOG.error("stage {} failed to shut down: {}", stage, error.toString());
    }
}
