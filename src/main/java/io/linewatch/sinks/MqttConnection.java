package io.linewatch.sinks;

import io.linewatch.config.Identity;
import io.linewatch.config.MqttConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Paho client per connection to the broker, under the stable client id and a persistent
 * session. A fresh client for every connection means Paho never re-sends on its own what the outbox
 * re-sends anyway. Sets the Last Will ({@code offline}, retained) and publishes {@code online}
 * (retained) on every connect, {@code stopped} on {@link #stop()}. Used by the publisher's thread
 * only; {@link #isConnected()} from any thread.
 */
final class MqttConnection {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    private static final long STOPPED_ACK_MILLIS = 2_000;

    private final MqttConfig config;
    private final String clientId;
    private final String availabilityTopic;
    private final String password;
    private final SSLSocketFactory tls;
    private volatile MqttAsyncClient client;
    private volatile boolean connected;
    private volatile long connectedAtNanos;

    MqttConnection(MqttConfig config, Identity identity, String password, SSLSocketFactory tls) {
        this.config = config;
        this.clientId = config.clientIdFor(identity);
        this.availabilityTopic = config.availabilityTopicFor(identity);
        this.password = password;
        this.tls = tls;
    }

    /** The password from its file or environment variable, or null when none is configured. */
    static String password(MqttConfig config) throws SinkException {
        if (!config.passwordFile().isEmpty()) {
            try {
                String text = Files.readString(Path.of(config.passwordFile()), StandardCharsets.UTF_8);
                return text.lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new SinkException("mqtt: cannot read password_file " + config.passwordFile() + ": "
                        + e.getMessage(), e);
            }
        }
        if (!config.passwordEnv().isEmpty()) {
            String value = System.getenv(config.passwordEnv());
            if (value == null || value.isEmpty()) {
                throw new SinkException("mqtt: password_env: environment variable " + config.passwordEnv()
                        + " is not set", null);
            }
            return value;
        }
        return null;
    }

    boolean isConnected() {
        return connected;
    }

    /** Connects (blocking up to the connect timeout); {@code onLost} runs when the connection drops. */
    void connect(Runnable onLost) throws MqttException {
        closeClient();
        MqttAsyncClient fresh = new MqttAsyncClient(config.url(), clientId, new MemoryPersistence());
        client = fresh;
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                if (client != fresh) {
                    return; // an earlier connection's late news
                }
                connected = false;
                LOG.warn("mqtt {}: connection lost: {}", config.url(), cause == null ? "closed" : cause.getMessage());
                onLost.run();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // the daemon subscribes to nothing
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // handled per message by the publisher's listeners
            }
        });
        try {
            client.connect(options()).waitForCompletion(config.connectTimeoutSeconds() * 1000L + 1000);
            client.publish(availabilityTopic, bytes("online"), 1, true);
        } catch (MqttException e) {
            closeClient();
            throw e;
        }
        connectedAtNanos = System.nanoTime();
        connected = true;
    }

    /** How long the current (or the last) connection has held, since the broker accepted it. */
    long lifetimeMillis() {
        return (System.nanoTime() - connectedAtNanos) / 1_000_000;
    }

    String clientId() {
        return clientId;
    }

    void publish(String topic, byte[] payload, int qos, boolean retained, IMqttActionListener listener)
            throws MqttException {
        client.publish(topic, payload, qos, retained, null, listener);
    }

    /** Publishes {@code stopped} (waits briefly for the broker), disconnects, and closes the client. */
    void stop() {
        if (client != null && connected) {
            try {
                client.publish(availabilityTopic, bytes("stopped"), 1, true).waitForCompletion(STOPPED_ACK_MILLIS);
                client.disconnect().waitForCompletion(STOPPED_ACK_MILLIS);
            } catch (MqttException e) {
                LOG.debug("mqtt disconnect: {}", reason(e));
            }
        }
        connected = false;
        closeClient();
    }

    private MqttConnectOptions options() {
        MqttConnectOptions o = options(config, config.cleanSession(), password, tls);
        o.setWill(availabilityTopic, bytes("offline"), 1, true);
        return o;
    }

    /**
     * Connect options without a will, for a client that Paho never reconnects on its own: timeouts,
     * keep-alive and user from {@code config}, the session clean or not, the password and TLS socket
     * factory when there are any. Used by this connection and the Sparkplug session.
     */
    static MqttConnectOptions options(MqttConfig config, boolean cleanSession, String password,
                                      SSLSocketFactory tls) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(cleanSession);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(config.connectTimeoutSeconds());
        o.setKeepAliveInterval(config.keepAliveSeconds());
        o.setMaxInflight(1000);
        if (!config.username().isEmpty()) {
            o.setUserName(config.username());
        }
        if (password != null) {
            o.setPassword(password.toCharArray());
        }
        if (tls != null) {
            o.setSocketFactory(tls);
        }
        return o;
    }

    private void closeClient() {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 0, false);
            }
        } catch (MqttException e) {
            // going away anyway
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // already closed
        }
        client = null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String reason(MqttException e) {
        Throwable cause = e.getCause();
        String text = cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
        return text == null ? "reason code " + e.getReasonCode() : text;
    }
}
