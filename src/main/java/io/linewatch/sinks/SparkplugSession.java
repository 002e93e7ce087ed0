package io.linewatch.sinks;

import io.linewatch.config.MqttConfig;
import java.util.function.Consumer;
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
 * One Paho client per MQTT session of the edge node: a clean session whose Last Will is the NDEATH
 * (with the session's {@code bdSeq}), subscribed to the node's NCMD topic. {@link #stop()} publishes
 * the NDEATH itself before it disconnects, as Sparkplug asks of a clean shutdown. Used by the node's
 * delivery thread; {@link #isConnected()} from any thread, the command callback on Paho's thread.
 */
final class SparkplugSession {

    private static final Logger LOG = LoggerFactory.getLogger(SparkplugSession.class);
    private static final long STOP_ACK_MILLIS = 2_000;

    private final MqttConfig mqtt;
    private final String clientId;
    private final String deathTopic;
    private final String commandTopic;
    private final String password;
    private final SSLSocketFactory tls;
    private volatile MqttAsyncClient client;
    private volatile boolean connected;
    private byte[] death;

    SparkplugSession(MqttConfig mqtt, String clientId, String deathTopic, String commandTopic, String password,
                     SSLSocketFactory tls) {
        this.mqtt = mqtt;
        this.clientId = clientId;
        this.deathTopic = deathTopic;
        this.commandTopic = commandTopic;
        this.password = password;
        this.tls = tls;
    }

    boolean isConnected() {
        return connected;
    }

    /**
     * Connects with {@code death} (the NDEATH payload) as the will and subscribes to the node's
     * commands; {@code onLost} runs when the connection drops, {@code onCommand} with each NCMD payload.
     */
    void connect(byte[] deathPayload, Runnable onLost, Consumer<byte[]> onCommand) throws MqttException {
        closeClient();
        death = deathPayload;
        MqttAsyncClient fresh = new MqttAsyncClient(mqtt.url(), clientId, new MemoryPersistence());
        client = fresh;
        fresh.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                if (client != fresh) {
                    return;
                }
                connected = false;
                LOG.warn("sparkplug {}: connection lost: {}", mqtt.url(), cause == null ? "closed" : cause.getMessage());
                onLost.run();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onCommand.accept(message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // handled per message by the node's listeners
            }
        });
        long timeoutMillis = mqtt.connectTimeoutSeconds() * 1000L + 1000;
        try {
            fresh.connect(options()).waitForCompletion(timeoutMillis);
            fresh.subscribe(commandTopic, 1).waitForCompletion(timeoutMillis);
        } catch (MqttException e) {
            closeClient();
            throw e;
        }
        connected = true;
    }

    void publish(String topic, byte[] payload, IMqttActionListener listener) throws MqttException {
        MqttAsyncClient c = client;
        if (c == null) {
            throw new MqttException(MqttException.REASON_CODE_CLIENT_NOT_CONNECTED);
        }
        c.publish(topic, payload, 1, false, null, listener);
    }

    /** Ends a broken session without a DISCONNECT: the broker publishes the will (the NDEATH). */
    void drop() {
        connected = false;
        closeClient();
    }

    /** Publishes the NDEATH (waits briefly for the broker), disconnects and closes the client. */
    void stop() {
        MqttAsyncClient c = client;
        if (c != null && connected) {
            try {
                c.publish(deathTopic, death, 1, false).waitForCompletion(STOP_ACK_MILLIS);
                c.disconnect().waitForCompletion(STOP_ACK_MILLIS);
            } catch (MqttException e) {
                LOG.debug("sparkplug disconnect: {}", MqttConnection.reason(e));
            }
        }
        connected = false;
        closeClient();
    }

    private MqttConnectOptions options() {
        MqttConnectOptions o = MqttConnection.options(mqtt, true, password, tls);
        o.setWill(deathTopic, death, 1, false);
        return o;
    }

    private void closeClient() {
        MqttAsyncClient c = client;
        client = null;
        if (c == null) {
            return;
        }
        try {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 0, false);
            }
        } catch (MqttException e) {
            // going away anyway
        }
        try {
            c.close(true);
        } catch (MqttException e) {
            // already closed
        }
    }
}
