package io.linewatch.config;

/**
 * The Sparkplug B edge node: one per daemon, one device per camera, on the broker of the
 * {@code mqtt} section (its URL, credentials and TLS) under a client id of its own.
 *
 * @param enabled          publish Sparkplug B at all (needs {@code mqtt.enabled})
 * @param groupId          the Sparkplug group id; empty means the site
 * @param clientId         client id of the edge node's session; empty means {@code linewatch-<site>-<node>-spb}
 * @param sampleMillis     how often the cameras' counters are compared with what was last published
 *                         (DDATA carries only what changed)
 * @param heartbeatSeconds how often the node's {@code Heartbeat} metric goes out (NDATA)
 * @param outboxDir        the edge node's on-disk outbox; empty means {@code <mqtt.outbox.dir>/sparkplug}
 */
public record SparkplugConfig(Boolean enabled, String groupId, String clientId, Long sampleMillis,
                              Integer heartbeatSeconds, String outboxDir) {

    public SparkplugConfig {
        enabled = enabled != null && enabled;
        groupId = groupId == null ? "" : groupId;
        clientId = clientId == null ? "" : clientId;
        sampleMillis = sampleMillis == null ? 1_000L : sampleMillis;
        heartbeatSeconds = heartbeatSeconds == null ? 10 : heartbeatSeconds;
        outboxDir = outboxDir == null ? "" : outboxDir;
        if (!groupId.isEmpty() && !groupId.matches(Identity.ID_PATTERN)) {
            throw new IllegalArgumentException("group_id: '" + groupId
                    + "' may hold only letters, digits, '_', '.' and '-' (it is a level of every Sparkplug topic)");
        }
        if (sampleMillis < 100) {
            throw new IllegalArgumentException("sample_millis: must be >= 100, got " + sampleMillis);
        }
        if (heartbeatSeconds < 1) {
            throw new IllegalArgumentException("heartbeat_seconds: must be >= 1, got " + heartbeatSeconds);
        }
    }

    static SparkplugConfig defaults() {
        return new SparkplugConfig(null, null, null, null, null, null);
    }

    /** The edge node on, with the other settings as they are. */
    public SparkplugConfig on() {
        return new SparkplugConfig(true, groupId, clientId, sampleMillis, heartbeatSeconds, outboxDir);
    }

    /** The group id: as configured, else the site. */
    public String groupFor(Identity id) {
        return groupId.isEmpty() ? id.site() : groupId;
    }

    /** The client id: as configured, else {@code linewatch-<site>-<node>-spb}. */
    public String clientIdFor(Identity id) {
        return clientId.isEmpty() ? "linewatch-" + id.site() + "-" + id.node() + "-spb" : clientId;
    }
}
