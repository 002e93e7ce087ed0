package io.linewatch.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A subscriber that keeps every payload it receives, in arrival order. */
public final class MqttCollector implements AutoCloseable {

    private final MqttClient client;
    private final List<String> payloads = new ArrayList<>();
    private final List<String> topics = new ArrayList<>();

    public MqttCollector(String url, String topicFilter) throws MqttException {
        client = new MqttClient(url, "test-collector-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        client.subscribe(topicFilter, 1, (topic, message) -> {
            synchronized (payloads) {
                topics.add(topic);
                payloads.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }
        });
    }

    public List<String> payloads() {
        synchronized (payloads) {
            return List.copyOf(payloads);
        }
    }

    public List<String> topics() {
        synchronized (payloads) {
            return List.copyOf(topics);
        }
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
