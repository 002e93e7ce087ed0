package io.linewatch.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A subscriber that keeps every payload it receives, in arrival order. {@link #persistent} is the
 * consumer the outbox promises to: a stable client id and a persistent session (the broker queues
 * messages while it is away), reconnecting by itself and subscribing again on every connect.
 */
public final class MqttCollector implements AutoCloseable {

    private final MqttClient client;
    private final List<String> payloads = new ArrayList<>();
    private final List<String> topics = new ArrayList<>();
    private final List<byte[]> raw = new ArrayList<>();
    private final List<Long> arrivalMillis = new ArrayList<>();
    private volatile boolean closed;

    public MqttCollector(String url, String topicFilter) throws MqttException {
        this(url, "test-collector-" + System.nanoTime(), topicFilter, true);
    }

    /** A consumer with a persistent session under {@code clientId}, QoS 1. */
    public static MqttCollector persistent(String url, String clientId, String topicFilter) throws MqttException {
        return new MqttCollector(url, clientId, topicFilter, false);
    }

    private MqttCollector(String url, String clientId, String topicFilter, boolean cleanSession) throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void connectionLost(Throwable cause) {
                if (!cleanSession) {
                    Thread t = new Thread(() -> reconnect(options, topicFilter), "collector-reconnect");
                    t.setDaemon(true);
                    t.start();
                }
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                synchronized (payloads) {
                    topics.add(topic);
                    payloads.add(new String(message.getPayload(), StandardCharsets.UTF_8));
                    raw.add(message.getPayload());
                    arrivalMillis.add(System.currentTimeMillis());
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options);
        client.subscribe(topicFilter, 1);
    }

    /** Tries every 50 ms, so the consumer is back before the publisher (its backoff starts at 250 ms). */
    private void reconnect(MqttConnectOptions options, String topicFilter) {
        while (!closed) {
            try {
                client.connect(options);
                client.subscribe(topicFilter, 1);
                return;
            } catch (MqttException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    public List<String> payloads() {
        synchronized (payloads) {
            return List.copyOf(payloads);
        }
    }

    /**
     * Each payload once, in the order it first arrived: what a consumer that drops duplicates by event
     * id sees (QoS 1 is at least once: a message whose acknowledgement was late is sent again, byte
     * for byte, from the outbox).
     */
    public List<String> distinctPayloads() {
        return payloads().stream().distinct().toList();
    }

    /** The payloads as received, bytes and all (binary payloads such as Sparkplug B's). */
    public List<byte[]> rawPayloads() {
        synchronized (payloads) {
            return List.copyOf(raw);
        }
    }

    /** Publishes {@code payload} on {@code topic} at QoS 1 with this collector's client. */
    public void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false);
    }

    /** When each payload arrived (wall clock, milliseconds), in the order of {@link #payloads()}. */
    public List<Long> arrivalMillis() {
        synchronized (payloads) {
            return List.copyOf(arrivalMillis);
        }
    }

    public List<String> topics() {
        synchronized (payloads) {
            return List.copyOf(topics);
        }
    }

    /** Payloads received on {@code topic}. */
    public List<String> payloadsOn(String topic) {
        synchronized (payloads) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < topics.size(); i++) {
                if (topics.get(i).equals(topic)) {
                    out.add(payloads.get(i));
                }
            }
            return out;
        }
    }

    @Override
    public void close() throws MqttException {
        closed = true;
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
