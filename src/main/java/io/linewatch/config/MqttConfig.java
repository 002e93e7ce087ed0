package io.linewatch.config;

/**
 * The MQTT broker that receives alarm events, camera states and the daemon's availability.
 *
 * @param enabled               publish to MQTT at all
 * @param url                   broker URL, {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId              client id, stable across restarts (the broker keeps its session);
 *                              empty means {@code linewatch-<site>-<node>}
 * @param topic                 alarm event topic; {@code {site}}, {@code {node}} and {@code {camera}}
 *                              are replaced (topic layout 2: {@link #DEFAULT_TOPIC})
 * @param stateTopic            retained per-camera state topic, same placeholders
 * @param availabilityTopic     retained daemon availability topic ({@code online}, {@code offline}
 *                              as the Last Will, {@code stopped}); {@code {site}} and {@code {node}}
 *                              are replaced
 * @param statusTopic           retained daemon status topic (cameras, alarms active, outbox depth),
 *                              same placeholders
 * @param qos                   QoS of alarm events: 1 (at least once) or 2
 * @param connectTimeoutSeconds how long one connection attempt may take
 * @param keepAliveSeconds      MQTT keep-alive interval
 * @param cleanSession          false (default): a persistent session under the stable client id
 * @param username              user name, or empty for none
 * @param passwordFile          file holding the password (first line), or empty
 * @param passwordEnv           environment variable holding the password, or empty
 * @param tls                   TLS trust and client certificate, for {@code ssl://} URLs
 * @param reconnectMinMs        first reconnect delay; doubles each failure, with jitter; the back-off
 *                              starts again from it when a connection that worked is lost
 * @param reconnectMaxMs        longest reconnect delay (default 5 s: a broker that is back is found
 *                              within 5 s, and short up-windows are not slept through)
 * @param outbox                the on-disk outbox every message passes through
 */
public record MqttConfig(
        Boolean enabled,
        String url,
        String clientId,
        String topic,
        String stateTopic,
        String availabilityTopic,
        String statusTopic,
        Integer qos,
        Integer connectTimeoutSeconds,
        Integer keepAliveSeconds,
        Boolean cleanSession,
        String username,
        String passwordFile,
        String passwordEnv,
        TlsConfig tls,
        Long reconnectMinMs,
        Long reconnectMaxMs,
        OutboxConfig outbox) {

    /*
     * Topic layout 2: every topic names the node (box) under the site. Layout 1 (before node ids) was
     * linewatch/{site}/{camera}/events, linewatch/{site}/{camera}/state and linewatch/{site}/availability;
     * setting the templates to those keeps it (README, "Topics").
     */
    public static final String DEFAULT_TOPIC = "linewatch/{site}/{node}/{camera}/events";
    public static final String DEFAULT_STATE_TOPIC = "linewatch/{site}/{node}/{camera}/state";
    public static final String DEFAULT_AVAILABILITY_TOPIC = "linewatch/{site}/{node}/availability";
    public static final String DEFAULT_STATUS_TOPIC = "linewatch/{site}/{node}/status";

    public MqttConfig {
        enabled = enabled == null || enabled;
        url = url == null ? "tcp://127.0.0.1:1883" : url;
        clientId = clientId == null ? "" : clientId;
        topic = topic == null ? DEFAULT_TOPIC : topic;
        stateTopic = stateTopic == null ? DEFAULT_STATE_TOPIC : stateTopic;
        availabilityTopic = availabilityTopic == null ? DEFAULT_AVAILABILITY_TOPIC : availabilityTopic;
        statusTopic = statusTopic == null ? DEFAULT_STATUS_TOPIC : statusTopic;
        qos = qos == null ? 1 : qos;
        connectTimeoutSeconds = connectTimeoutSeconds == null ? 5 : connectTimeoutSeconds;
        keepAliveSeconds = keepAliveSeconds == null ? 30 : keepAliveSeconds;
        cleanSession = cleanSession != null && cleanSession;
        username = username == null ? "" : username;
        passwordFile = passwordFile == null ? "" : passwordFile;
        passwordEnv = passwordEnv == null ? "" : passwordEnv;
        tls = tls == null ? TlsConfig.defaults() : tls;
        reconnectMinMs = reconnectMinMs == null ? 500L : reconnectMinMs;
        reconnectMaxMs = reconnectMaxMs == null ? 5_000L : reconnectMaxMs;
        outbox = outbox == null ? OutboxConfig.defaults() : outbox;
        if (qos < 1 || qos > 2) {
            throw new IllegalArgumentException("qos must be 1 or 2 (alarms are never sent at most once), got " + qos);
        }
        if (!url.startsWith("tcp://") && !url.startsWith("ssl://")) {
            throw new IllegalArgumentException("url must start with tcp:// or ssl://, got '" + url + "'");
        }
        if (connectTimeoutSeconds < 1 || keepAliveSeconds < 1) {
            throw new IllegalArgumentException("connect_timeout_seconds and keep_alive_seconds must be at least 1");
        }
        if (reconnectMinMs < 1 || reconnectMaxMs < reconnectMinMs) {
            throw new IllegalArgumentException("reconnect_min_ms must be at least 1 and at most reconnect_max_ms");
        }
        if (!passwordFile.isEmpty() && !passwordEnv.isEmpty()) {
            throw new IllegalArgumentException("give the password by password_file or by password_env, not both");
        }
        if ((!passwordFile.isEmpty() || !passwordEnv.isEmpty()) && username.isEmpty()) {
            throw new IllegalArgumentException("a password needs a username");
        }
    }

    /** Every field at its default. */
    public static MqttConfig defaults() {
        return new MqttConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /** A copy switched on or off. */
    public MqttConfig withEnabled(boolean on) {
        return new MqttConfig(on, url, clientId, topic, stateTopic, availabilityTopic, statusTopic, qos, connectTimeoutSeconds,
                keepAliveSeconds, cleanSession, username, passwordFile, passwordEnv, tls, reconnectMinMs,
                reconnectMaxMs, outbox);
    }

    /** A copy pointing at another broker. */
    public MqttConfig withUrl(String newUrl) {
        return new MqttConfig(enabled, newUrl, clientId, topic, stateTopic, availabilityTopic, statusTopic, qos,
                connectTimeoutSeconds, keepAliveSeconds, cleanSession, username, passwordFile, passwordEnv, tls,
                reconnectMinMs, reconnectMaxMs, outbox);
    }

    /** A copy with its input files (password, TLS) resolved by {@code resolver}. */
    MqttConfig withFiles(java.util.function.UnaryOperator<String> resolver) {
        return new MqttConfig(enabled, url, clientId, topic, stateTopic, availabilityTopic, statusTopic, qos,
                connectTimeoutSeconds, keepAliveSeconds, cleanSession, username, resolveOrEmpty(resolver, passwordFile),
                passwordEnv, tls.withFiles(resolver), reconnectMinMs, reconnectMaxMs, outbox);
    }

    /** A copy whose outbox lives elsewhere. */
    public MqttConfig withOutbox(OutboxConfig newOutbox) {
        return new MqttConfig(enabled, url, clientId, topic, stateTopic, availabilityTopic, statusTopic, qos,
                connectTimeoutSeconds, keepAliveSeconds, cleanSession, username, passwordFile, passwordEnv, tls,
                reconnectMinMs, reconnectMaxMs, newOutbox);
    }

    /** The client id used with the broker: as configured, else {@code linewatch-<site>-<node>}. */
    public String clientIdFor(Identity id) {
        return clientId.isEmpty() ? "linewatch-" + id.site() + "-" + id.node() : clientId;
    }

    /** The alarm topic for one camera. */
    public String topicFor(Identity id, String camera) {
        return fill(topic, id).replace("{camera}", camera);
    }

    /**
     * The object lifecycle topic of one camera: the alarm topic's sibling {@code objects}
     * ({@code linewatch/<site>/<node>/<camera>/objects} by default).
     */
    public String objectTopicFor(Identity id, String camera) {
        return sibling(topicFor(id, camera), "objects");
    }

    /** The retained verdicts topic of one inspection camera: the alarm topic's sibling {@code verdicts}. */
    public String verdictTopicFor(Identity id, String camera) {
        return sibling(topicFor(id, camera), "verdicts");
    }

    /** The retained topic of one counting line: {@code <alarm topic's parent>/counts/<name>}. */
    public String countTopicFor(Identity id, String camera, String counter) {
        return sibling(topicFor(id, camera), "counts/" + counter);
    }

    /**
     * The retained decided-state topic of one region of a classification camera:
     * {@code <alarm topic's parent>/regions/<region>}.
     */
    public String regionTopicFor(Identity id, String camera, String region) {
        return sibling(topicFor(id, camera), "regions/" + region);
    }

    private static String sibling(String topic, String name) {
        int slash = topic.lastIndexOf('/');
        return (slash < 0 ? topic : topic.substring(0, slash)) + "/" + name;
    }

    /** The retained state topic of one camera. */
    public String stateTopicFor(Identity id, String camera) {
        return fill(stateTopic, id).replace("{camera}", camera);
    }

    /** The retained availability topic of the daemon. */
    public String availabilityTopicFor(Identity id) {
        return fill(availabilityTopic, id);
    }

    /** The retained status topic of the daemon. */
    public String statusTopicFor(Identity id) {
        return fill(statusTopic, id);
    }

    private static String fill(String template, Identity id) {
        return template.replace("{site}", id.site()).replace("{node}", id.node());
    }

    static String resolveOrEmpty(java.util.function.UnaryOperator<String> resolver, String path) {
        return path == null || path.isEmpty() ? "" : resolver.apply(path);
    }
}
