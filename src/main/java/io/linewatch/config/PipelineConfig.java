package io.linewatch.config;

/**
 * The Disruptor ring shared by the cameras bound to one model.
 *
 * @param ringSize     slots per model ring, a power of two; capture drops frames when all are busy
 * @param waitStrategy how stage threads wait for frames
 */
public record PipelineConfig(Integer ringSize, WaitStrategyName waitStrategy) {

    /** Disruptor wait strategies, by name. */
    public enum WaitStrategyName { BLOCKING, SLEEPING, YIELDING }

    public PipelineConfig {
        ringSize = ringSize == null ? 32 : ringSize;
        waitStrategy = waitStrategy == null ? WaitStrategyName.BLOCKING : waitStrategy;
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("must be a power of two >= 2, got " + ringSize);
        }
    }

    static PipelineConfig defaults() {
        return new PipelineConfig(null, null);
    }
}
