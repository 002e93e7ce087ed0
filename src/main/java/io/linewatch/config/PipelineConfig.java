package io.linewatch.config;

/**
 * The Disruptor ring shared by the cameras bound to one model.
 *
 * @param ringSize       slots per model ring, a power of two; capture drops frames when all are busy
 * @param waitStrategy   how stage threads wait for frames
 * @param maxFrameAgeMs  a live camera's frame older than this when preprocess or inference comes to
 *                       it is dropped, never inferred; 0 for no limit. A camera may set its own.
 * @param stagesAfterInference how the stages after inference (decode, tracker, alarms, sinks, live
 *                       picture) get threads
 * @param yieldToEngine  every pipeline thread but the engine's (capture, preprocess, the stages after
 *                       inference) runs at Java's lowest priority, so that a stage waking up does not
 *                       preempt the engine: nice 19 on Linux with the shipped JVM options
 *                       {@code -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19}, nice 4
 *                       with the first alone; without it Java ignores priorities
 */
public record PipelineConfig(Integer ringSize, WaitStrategyName waitStrategy, Integer maxFrameAgeMs,
                             StageThreads stagesAfterInference, Boolean yieldToEngine) {

    /**
     * {@code one_thread}: every stage after inference on one thread, in order (the default: their own
     * work is microseconds a frame, and a thread each spends more CPU waiting than working, CPU the
     * engine and decode then lack). {@code thread_each}: a thread per stage, the sinks in parallel
     * (for a box with cores to spare, where a slow sink should not hold the others back).
     */
    public enum StageThreads { ONE_THREAD, THREAD_EACH }

    public PipelineConfig(Integer ringSize, WaitStrategyName waitStrategy, Integer maxFrameAgeMs) {
        this(ringSize, waitStrategy, maxFrameAgeMs, null, null);
    }

    /** The Java priority of the pipeline's threads other than the engine's. */
    public int otherThreadsPriority() {
        return yieldToEngine ? Thread.MIN_PRIORITY : Thread.NORM_PRIORITY;
    }

    /**
     * How a stage waits for the stage before it. {@code sleeping}: spins and yields briefly, then
     * parks 0.1 ms at a time (low CPU; the default). {@code yielding}: never parks (lowest latency,
     * a core per stage). {@code blocking}: the Disruptor's lock and condition, which blocks only on
     * capture and busy-spins between stages (for machines with a core per stage).
     */
    public enum WaitStrategyName { SLEEPING, YIELDING, BLOCKING }

    public PipelineConfig {
        ringSize = ringSize == null ? 32 : ringSize;
        waitStrategy = waitStrategy == null ? WaitStrategyName.SLEEPING : waitStrategy;
        maxFrameAgeMs = maxFrameAgeMs == null ? DEFAULT_MAX_FRAME_AGE_MS : maxFrameAgeMs;
        stagesAfterInference = stagesAfterInference == null ? StageThreads.ONE_THREAD : stagesAfterInference;
        yieldToEngine = yieldToEngine != null && yieldToEngine;
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("must be a power of two >= 2, got " + ringSize);
        }
        if (maxFrameAgeMs < 0) {
            throw new IllegalArgumentException("max_frame_age_ms must be >= 0 (0: no limit), got " + maxFrameAgeMs);
        }
    }

    /** Half a second: an alarm on an older frame comes too late to act on a moving line. */
    public static final int DEFAULT_MAX_FRAME_AGE_MS = 500;

    static PipelineConfig defaults() {
        return new PipelineConfig(null, null, null, null, null);
    }
}
