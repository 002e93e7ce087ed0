package io.linewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.sinks.AlarmJson;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** An MQTT consumer that prints each alarm event as it arrives, as a SCADA or dashboard would see it. */
final class AlarmSubscriber implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttClient client;
    private final AtomicInteger received = new AtomicInteger();

    AlarmSubscriber(String url, String topicFilter, PrintStream out) throws MqttException {
        client = new MqttClient(url, "linewatch-demo-subscriber", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        client.subscribe(topicFilter, 1, (topic, message) -> {
            String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
            if (payload.contains("\"" + AlarmJson.SCHEMA + "\"")) {
                received.incrementAndGet();
            }
            out.println(describe(topic, payload));
        });
    }

    int received() {
        return received.get();
    }

    static String describe(String topic, String payload) {
        try {
            JsonNode e = JSON.readTree(payload);
            if (e.path("state").isTextual()) {
                return String.format(Locale.ROOT, "[mqtt %s] camera %s is %s%s", topic, e.path("camera").asText(),
                        e.path("state").asText(), e.path("reason").asText().isEmpty() ? "" : " (" + e.path("reason").asText() + ")");
            }
            if (!e.isObject()) {
                return "[mqtt " + topic + "] " + payload;
            }
            return String.format(Locale.ROOT, "[mqtt %s] %-7s #%d %s: %s %.2f at frame %d, box %s%s", topic,
                    e.path("type").asText().toUpperCase(Locale.ROOT), e.path("seq").asLong(), e.path("rule").asText(),
                    e.path("class").asText(), e.path("score").asDouble(), e.path("frame").asLong(), e.path("box"),
                    e.path("snapshot").isTextual() ? ", snapshot " + e.path("snapshot").asText() : "");
        } catch (java.io.IOException ex) {
            return "[mqtt " + topic + "] " + payload;
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
