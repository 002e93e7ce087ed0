package io.linewatch.sinks;

import io.linewatch.config.MqttConfig;
import java.nio.charset.StandardCharsets;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes alarm events to an MQTT broker through Paho (QoS from the config, 1 by default). The
 * first connection must succeed at start; after that Paho reconnects by itself and holds what is
 * published meanwhile in its disconnected buffer. {@link #close()} waits for the broker to
 * acknowledge what is in flight. {@link #publish} is called from the alarm sink thread only.
 */
public final class MqttAlarmPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MqttAlarmPublisher.class);
    private static final long DRAIN_TIMEOUT_MILLIS = 10_000;

    private final MqttConfig config;
    private final MqttAsyncClient client;

    private MqttAlarmPublisher(MqttConfig config, MqttAsyncClient client) {
        this.config = config;
        this.client = client;
    }

    /** Connects, or fails with one line naming the broker and the cause. */
    public static MqttAlarmPublisher connect(MqttConfig config, String site) throws SinkException {
        String clientId = config.clientId().isEmpty() ? "linewatch-" + site : config.clientId();
        MqttAsyncClient client;
        try {
            client = new MqttAsyncClient(config.url(), clientId, new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new SinkException("mqtt " + config.url() + ": " + e.getMessage(), e);
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setConnectionTimeout(config.connectTimeoutSeconds());
        options.setMaxInflight(1000);
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(10_000);
        buffer.setDeleteOldestMessages(false);
        client.setBufferOpts(buffer);
        try {
            client.connect(options).waitForCompletion(config.connectTimeoutSeconds() * 1000L + 1000);
        } catch (MqttException e) {
            closeQuietly(client);
            throw new SinkException("mqtt " + config.url() + ": cannot connect: " + reason(e), e);
        }
        LOG.info("mqtt: connected to {} as {}", config.url(), clientId);
        return new MqttAlarmPublisher(config, client);
    }

    /** Hands one event to the client; delivery goes on in the background. */
    public void publish(String site, String camera, String json) {
        String topic = config.topicFor(site, camera);
        try {
            client.publish(topic, json.getBytes(StandardCharsets.UTF_8), config.qos(), false);
        } catch (MqttException e) {
            LOG.error("mqtt {}: cannot publish to {}: {}", config.url(), topic, reason(e));
        }
    }

    /** Waits for in-flight events to be acknowledged (bounded), then disconnects. */
    @Override
    public void close() {
        long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MILLIS;
        while (client.getPendingDeliveryTokens().length > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = client.getPendingDeliveryTokens().length;
        if (left > 0) {
            LOG.warn("mqtt {}: {} events not acknowledged at shutdown (they are in the event log)", config.url(), left);
        }
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("mqtt disconnect: {}", reason(e));
        }
        closeQuietly(client);
    }

    private static void closeQuietly(MqttAsyncClient client) {
        try {
            client.close(true);
        } catch (MqttException e) {
            // already closed
        }
    }

    private static String reason(MqttException e) {
        Throwable cause = e.getCause();
        String text = cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
        return text == null ? "reason code " + e.getReasonCode() : text;
    }
}
