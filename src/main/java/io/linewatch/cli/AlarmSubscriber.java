package io.linewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.sinks.AlarmJson;
import io.linewatch.sinks.ObjectJson;
import io.linewatch.sinks.RegionStateHandler;
import io.linewatch.sinks.VerdictJson;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * An MQTT consumer that prints each alarm event as it arrives, as a SCADA or dashboard would see it.
 * QoS 1 is at least once: a broker resends a message whose acknowledgement is late (Moquette after
 * 5 s, with the DUP flag), and a restarted subscription gets the retained ones again. A message seen
 * before (same topic, same bytes) is counted and printed once, and {@link #duplicates()} says how
 * many came again. The session outlives a dropped connection: the client reconnects and the broker
 * keeps what came meanwhile.
 */
final class AlarmSubscriber implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttClient client;
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger verdicts = new AtomicInteger();
    private final AtomicInteger regionStates = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /**
     * Connects and subscribes; a broker that drops the connection before the subscription is taken
     * (a loaded machine can make the embedded broker close a slow handshake) gets up to
     * {@link #ATTEMPTS} tries, each with a fresh client.
     */
    AlarmSubscriber(String url, String topicFilter, PrintStream out) throws MqttException {
        MqttClient connected = null;
        for (int attempt = 1; connected == null; attempt++) {
            MqttClient c = new MqttClient(url, "linewatch-demo-subscriber", new MemoryPersistence());
            try {
                MqttConnectOptions options = new MqttConnectOptions();
                options.setCleanSession(false);
                options.setAutomaticReconnect(true);
                c.connect(options);
                c.subscribe(topicFilter, 1, (topic, message) -> {
                    String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
                    if (!seen.add(topic + '\n' + payload)) {
                        duplicates.incrementAndGet();
                        return;
                    }
                    if (payload.contains("\"" + AlarmJson.SCHEMA + "\"")) {
                        received.incrementAndGet();
                    } else if (payload.contains("\"" + VerdictJson.SCHEMA + "\"")) {
                        verdicts.incrementAndGet();
                    } else if (payload.contains("\"" + RegionStateHandler.SCHEMA + "\"")) {
                        regionStates.incrementAndGet();
                    }
                    out.println(describe(topic, payload));
                });
                connected = c;
            } catch (MqttException e) {
                c.close(true);
                if (attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
        client = connected;
    }

    private static final int ATTEMPTS = 3;

    /** Alarm events received. */
    int received() {
        return received.get();
    }

    /** Part verdicts received. */
    int verdicts() {
        return verdicts.get();
    }

    /** Messages that came again (a QoS 1 resend, a retained message restated), not counted twice. */
    int duplicates() {
        return duplicates.get();
    }

    /** Region states received (each change of a classification region's decided state). */
    int regionStates() {
        return regionStates.get();
    }

    /** What decided the event, by its task: the detection, the temperatures, the defects, or the state. */
    private static String what(JsonNode e) {
        switch (e.path("task").asText("detection")) {
            case "thermal" -> {
                String unit = "kelvin".equals(e.path("unit").asText()) ? " K" : " °C";
                JsonNode h = e.path("hotspot");
                return String.format(Locale.ROOT, "%s %s %.1f%s (max %.1f, avg %.1f, min %.1f)%s%s",
                        e.path("zone").asText("frame"), e.path("measure").asText(), e.path("value").asDouble(), unit,
                        e.path("max").asDouble(), e.path("avg").asDouble(), e.path("min").asDouble(),
                        e.path("rate_k_per_min").isNumber()
                                ? String.format(Locale.ROOT, ", rising %.1f K/min", e.path("rate_k_per_min").asDouble()) : "",
                        h.isArray() ? String.format(Locale.ROOT, ", hotspot at (%.1f, %.1f)", h.get(0).asDouble(),
                                h.get(1).asDouble()) : "");
            }
            case "segmentation" -> {
                StringBuilder b = new StringBuilder();
                b.append(e.path("count").asInt()).append(" region(s)");
                for (JsonNode r : e.path("regions")) {
                    b.append(String.format(Locale.ROOT, ", %s %.1f mm2 at %s", r.path("class").asText(),
                            r.path("area_mm2").asDouble(), r.path("box")));
                }
                return b.toString();
            }
            case "classification" -> {
                StringBuilder states = new StringBuilder();
                for (JsonNode state : e.path("states")) {
                    states.append(states.length() == 0 ? "" : "+").append(state.asText());
                }
                JsonNode peak = e.path("cam_peak");
                return String.format(Locale.ROOT, "%s %s %.2f, most probable %s %.2f%s", e.path("region").asText(),
                        states, e.path("probability").asDouble(), e.path("state").asText(),
                        e.path("state_probability").asDouble(), peak.isArray() ? String.format(Locale.ROOT,
                                ", map peak at (%.1f, %.1f)", peak.get(0).asDouble(), peak.get(1).asDouble()) : "");
            }
            default -> {
                return String.format(Locale.ROOT, "%s %.2f, box %s", e.path("class").asText(), e.path("score").asDouble(),
                        e.path("box"));
            }
        }
    }

    static String describe(String topic, String payload) {
        try {
            JsonNode e = JSON.readTree(payload);
            if (RegionStateHandler.SCHEMA.equals(e.path("schema").asText())) {
                return String.format(Locale.ROOT, "[mqtt %s] region %s/%s is %s (%.2f) from frame %d", topic,
                        e.path("camera").asText(), e.path("region").asText(), e.path("state").asText(),
                        e.path("probability").asDouble(), e.path("frame").asLong());
            }
            if (e.path("state").isTextual() && !AlarmJson.SCHEMA.equals(e.path("schema").asText())) {
                return String.format(Locale.ROOT, "[mqtt %s] camera %s is %s%s", topic, e.path("camera").asText(),
                        e.path("state").asText(), e.path("reason").asText().isEmpty() ? "" : " (" + e.path("reason").asText() + ")");
            }
            if (!e.isObject()) {
                return "[mqtt " + topic + "] " + payload;
            }
            if (e.path("schema").asText().startsWith("linewatch.status.")) {
                return String.format(Locale.ROOT, "[mqtt %s] node %s: %d alarm(s) active, %d message(s) in the outbox",
                        topic, e.path("node").asText(), e.path("alarms_active").asLong(), e.path("outbox_waiting").asLong());
            }
            if (ObjectJson.OBJECT_SCHEMA.equals(e.path("schema").asText())) {
                return String.format(Locale.ROOT, "[mqtt %s] object %-6s %s #%d, best %.2f, seen frames %d-%d%s", topic,
                        e.path("type").asText().toUpperCase(Locale.ROOT), e.path("class").asText(),
                        e.path("track").asInt(), e.path("best_score").asDouble(), e.path("first_frame").asLong(),
                        e.path("last_frame").asLong(),
                        e.path("snapshot").isTextual() ? ", snapshot " + e.path("snapshot").asText() : "");
            }
            if (VerdictJson.SCHEMA.equals(e.path("schema").asText())) {
                StringBuilder defects = new StringBuilder();
                for (JsonNode d : e.path("defects")) {
                    defects.append(defects.length() == 0 ? ": " : ", ").append(String.format(Locale.ROOT, "%s %.1f mm2",
                            d.path("class").asText(), d.path("area_mm2").asDouble()));
                }
                return String.format(Locale.ROOT, "[mqtt %s] verdict %-3s part #%d%s (frames %d-%d)%s", topic,
                        e.path("verdict").asText().toUpperCase(Locale.ROOT), e.path("part").asInt(), defects,
                        e.path("first_frame").asLong(), e.path("last_frame").asLong(),
                        e.path("snapshot").isTextual() ? ", snapshot " + e.path("snapshot").asText() : "");
            }
            if (ObjectJson.COUNT_SCHEMA.equals(e.path("schema").asText())) {
                return String.format(Locale.ROOT, "[mqtt %s] count %s: %s (last minute %s)", topic,
                        e.path("counter").asText(), e.path("counts"), e.path("per_minute"));
            }
            return String.format(Locale.ROOT, "[mqtt %s] %-7s #%d %s: %s at frame %d%s", topic,
                    e.path("type").asText().toUpperCase(Locale.ROOT), e.path("seq").asLong(), e.path("rule").asText(),
                    what(e), e.path("frame").asLong(),
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
