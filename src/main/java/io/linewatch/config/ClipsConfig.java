package io.linewatch.config;

/**
 * Evidence clips: the source's own packets from before to after each raised alarm, remuxed into a
 * file beside the event.
 *
 * @param enabled       keep packets and write clips
 * @param dir           folder of the clips, {@code <dir>/<camera>/<seq>-<id>.mp4|mkv}; relative to the
 *                      working directory
 * @param preSeconds    media seconds before the alarm (from the key frame at or before that point)
 * @param postSeconds   media seconds after the alarm
 * @param maxBytes      the clips folder's budget: the oldest clips go first beyond it
 * @param maxAgeHours   clips older than this go; 0: no age limit
 * @param bufferBytes   per camera, the most bytes of packets kept in memory
 */
public record ClipsConfig(Boolean enabled, String dir, Double preSeconds, Double postSeconds, Long maxBytes,
                          Double maxAgeHours, Long bufferBytes) {

    public ClipsConfig {
        enabled = enabled != null && enabled;
        dir = dir == null ? "clips" : dir;
        preSeconds = preSeconds == null ? 5.0 : preSeconds;
        postSeconds = postSeconds == null ? 5.0 : postSeconds;
        maxBytes = maxBytes == null ? 1L << 30 : maxBytes;
        maxAgeHours = maxAgeHours == null ? 168.0 : maxAgeHours;
        bufferBytes = bufferBytes == null ? 32L << 20 : bufferBytes;
        if (preSeconds < 0 || postSeconds < 0) {
            throw new IllegalArgumentException("pre_seconds and post_seconds must be 0 or more");
        }
        if (maxBytes <= 0 || bufferBytes <= 0 || maxAgeHours < 0) {
            throw new IllegalArgumentException("max_bytes and buffer_bytes must be positive, max_age_hours 0 or more");
        }
    }

    static ClipsConfig defaults() {
        return new ClipsConfig(null, null, null, null, null, null, null);
    }

    /** Clips on, in {@code dir}, with the other settings as they are. */
    public ClipsConfig on(String newDir) {
        return new ClipsConfig(true, newDir, preSeconds, postSeconds, maxBytes, maxAgeHours, bufferBytes);
    }
}
