package io.linewatch.config;

/**
 * Where alarm evidence goes besides MQTT.
 *
 * @param eventLog     JSONL file, one alarm event per line; relative to the working directory
 * @param snapshotsDir folder for the annotated JPEG of each alarm event
 * @param clips        the evidence clips around each raised alarm (off by default)
 * @param stateDir     folder for what a restart picks up (the last count of lines with {@code resume})
 * @param sparkplug    the Sparkplug B edge node (off by default)
 */
public record SinksConfig(String eventLog, String snapshotsDir, ClipsConfig clips, String stateDir,
                          SparkplugConfig sparkplug) {

    public SinksConfig {
        stateDir = stateDir == null ? "state" : stateDir;
        eventLog = eventLog == null ? "events.jsonl" : eventLog;
        snapshotsDir = snapshotsDir == null ? "snapshots" : snapshotsDir;
        clips = clips == null ? ClipsConfig.defaults() : clips;
        sparkplug = sparkplug == null ? SparkplugConfig.defaults() : sparkplug;
    }

    /** Event log, snapshots and clips; state in {@code state}, without Sparkplug. */
    public SinksConfig(String eventLog, String snapshotsDir, ClipsConfig clips) {
        this(eventLog, snapshotsDir, clips, null, null);
    }

    /** Event log and snapshots, without clips. */
    public SinksConfig(String eventLog, String snapshotsDir) {
        this(eventLog, snapshotsDir, null);
    }

    static SinksConfig defaults() {
        return new SinksConfig(null, null);
    }

    /** A copy with another clips section. */
    public SinksConfig withClips(ClipsConfig newClips) {
        return new SinksConfig(eventLog, snapshotsDir, newClips, stateDir, sparkplug);
    }

    /** A copy with another Sparkplug section. */
    public SinksConfig withSparkplug(SparkplugConfig newSparkplug) {
        return new SinksConfig(eventLog, snapshotsDir, clips, stateDir, newSparkplug);
    }
}
