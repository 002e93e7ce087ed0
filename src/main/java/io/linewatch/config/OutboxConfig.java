package io.linewatch.config;

/**
 * The on-disk outbox: every MQTT message is journaled here before it counts as accepted, and leaves
 * only when the broker acknowledges it.
 *
 * @param dir      folder of the journal; relative to the working directory
 * @param maxBytes bound on the messages waiting; when full, the oldest camera-state messages go
 *                 first, then new alarms are refused (an overflow, itself reported as an alarm)
 */
public record OutboxConfig(String dir, Long maxBytes) {

    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    public OutboxConfig {
        dir = dir == null ? "outbox" : dir;
        maxBytes = maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes;
        if (maxBytes < 4096) {
            throw new IllegalArgumentException("max_bytes must be at least 4096, got " + maxBytes);
        }
    }

    static OutboxConfig defaults() {
        return new OutboxConfig(null, null);
    }
}
