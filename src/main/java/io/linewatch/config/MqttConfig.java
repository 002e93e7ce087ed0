package io.linewatch.config;

/**
 * The MQTT broker that receives alarm events.
 *
 * @param enabled               publish to MQTT at all
 * @param url                   broker URL, {@code tcp://host:port}
 * @param clientId              client id; empty means {@code linewatch-<site>}
 * @param topic                 topic template; {@code {site}} and {@code {camera}} are replaced
 * @param qos                   0, 1 or 2
 * @param connectTimeoutSeconds how long the first connection may take
 */
public record MqttConfig(
        Boolean enabled,
        String url,
        String clientId,
        String topic,
        Integer qos,
        Integer connectTimeoutSeconds) {

    public static final String DEFAULT_TOPIC = "linewatch/{site}/{camera}/events";

    public MqttConfig {
        enabled = enabled == null || enabled;
        url = url == null ? "tcp://127.0.0.1:1883" : url;
        clientId = clientId == null ? "" : clientId;
        topic = topic == null ? DEFAULT_TOPIC : topic;
        qos = qos == null ? 1 : qos;
        connectTimeoutSeconds = connectTimeoutSeconds == null ? 5 : connectTimeoutSeconds;
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + qos);
        }
        if (!url.startsWith("tcp://") && !url.startsWith("ssl://")) {
            throw new IllegalArgumentException("url must start with tcp:// or ssl://, got '" + url + "'");
        }
    }

    static MqttConfig defaults() {
        return new MqttConfig(null, null, null, null, null, null);
    }

    /** A copy switched on or off. */
    public MqttConfig withEnabled(boolean on) {
        return new MqttConfig(on, url, clientId, topic, qos, connectTimeoutSeconds);
    }

    /** A copy pointing at another broker. */
    public MqttConfig withUrl(String newUrl) {
        return new MqttConfig(enabled, newUrl, clientId, topic, qos, connectTimeoutSeconds);
    }

    /** The topic for one camera. */
    public String topicFor(String site, String camera) {
        return topic.replace("{site}", site).replace("{camera}", camera);
    }
}
