package io.linewatch.pipeline;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A distribution of frame latencies in nanoseconds (capture to publish, capture to inference),
 * recorded by one stage of every lane (any thread) into an HdrHistogram {@link Recorder}; read by
 * summaries.
 */
public final class LatencyStats {

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);

    public void record(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /** Everything recorded so far. Call from one reader thread. */
    public synchronized Histogram snapshot() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }
}
