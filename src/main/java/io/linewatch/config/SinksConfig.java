package io.linewatch.config;

/**
 * Where alarm evidence goes besides MQTT.
 *
 * @param eventLog     JSONL file, one alarm event per line; relative to the working directory
 * @param snapshotsDir folder for the annotated JPEG of each alarm event
 */
public record SinksConfig(String eventLog, String snapshotsDir) {

    public SinksConfig {
        eventLog = eventLog == null ? "events.jsonl" : eventLog;
        snapshotsDir = snapshotsDir == null ? "snapshots" : snapshotsDir;
    }

    static SinksConfig defaults() {
        return new SinksConfig(null, null);
    }
}
