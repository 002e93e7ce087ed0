package io.linewatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch site}: every box (node) of a site as the broker remembers it, from the retained
 * messages of topic layout 2: availability, status (alarms active, outbox depth) and camera states.
 * Reads for {@code --wait-ms} after subscribing (retained messages come at once), then prints one
 * line per box and per camera. Subscribes only; changes nothing.
 */
@Command(name = "site", mixinStandardHelpOptions = true,
        description = "Lists every linewatch box of a site from the broker's retained availability, status and camera "
                + "states (topic layout 2: linewatch/SITE/NODE/...).")
final class SiteCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--broker", required = true, paramLabel = "URL", description = "The (site) broker, tcp://host:port.")
    String broker;

    @Option(names = "--site", defaultValue = "+", paramLabel = "NAME", description = "Only this site (default: all).")
    String site;

    @Option(names = "--wait-ms", defaultValue = "1500", paramLabel = "MS",
            description = "How long to collect retained messages (default: ${DEFAULT-VALUE}).")
    long waitMillis;

    /** What the broker keeps of one box. */
    private static final class Box {
        String availability = "unknown";
        JsonNode status;
        final Map<String, JsonNode> cameraStates = new TreeMap<>();
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, Map<String, Box>> sites = new TreeMap<>();
        try {
            collect(sites);
        } catch (MqttException e) {
            throw new CliException(Main.EXIT_STARTUP, "site: broker " + broker + ": " + e.getMessage());
        }
        if (sites.isEmpty()) {
            System.out.println("no linewatch box has published under linewatch/" + site + "/ on " + broker);
            return 1;
        }
        sites.forEach(this::print);
        return 0;
    }

    private void collect(Map<String, Map<String, Box>> sites) throws MqttException, InterruptedException {
        MqttClient client = new MqttClient(broker, "linewatch-site-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(5);
        client.connect(options);
        try {
            String base = "linewatch/" + site + "/+/";
            for (String filter : new String[] {base + "availability", base + "status", base + "+/state"}) {
                client.subscribe(filter, 1, (topic, message) -> take(sites, topic,
                        new String(message.getPayload(), StandardCharsets.UTF_8)));
            }
            Thread.sleep(waitMillis);
        } finally {
            client.disconnect();
            client.close();
        }
    }

    private static synchronized void take(Map<String, Map<String, Box>> sites, String topic, String payload) {
        String[] level = topic.split("/");
        if (level.length < 4 || payload.isEmpty()) {
            return;
        }
        Box box = sites.computeIfAbsent(level[1], s -> new TreeMap<>()).computeIfAbsent(level[2], n -> new Box());
        try {
            if (level.length == 4 && level[3].equals("availability")) {
                box.availability = payload;
            } else if (level.length == 4 && level[3].equals("status")) {
                box.status = JSON.readTree(payload);
            } else if (level.length == 5 && level[4].equals("state")) {
                box.cameraStates.put(level[3], JSON.readTree(payload));
            }
        } catch (IOException e) {
            // not linewatch's JSON: left out
        }
    }

    private void print(String siteName, Map<String, Box> boxes) {
        System.out.printf("site %s: %d box%s%n", siteName, boxes.size(), boxes.size() == 1 ? "" : "es");
        boxes.forEach((node, box) -> {
            String alarms = box.status == null ? "?" : box.status.path("alarms_active").asText();
            String outbox = box.status == null ? "?" : box.status.path("outbox_waiting").asText();
            String as = box.status == null ? "" : " (status of " + box.status.path("time").asText() + ")";
            System.out.printf("  %-20s %-8s alarms active %s, outbox %s%s%n", node, box.availability, alarms, outbox, as);
            box.cameraStates.forEach((camera, state) -> System.out.printf("    camera %-16s %s%s%n", camera,
                    state.path("state").asText(), cameraAlarms(box.status, camera)));
        });
    }

    private static String cameraAlarms(JsonNode status, String camera) {
        if (status == null) {
            return "";
        }
        for (JsonNode c : status.path("cameras")) {
            if (camera.equals(c.path("camera").asText())) {
                return ", alarms active " + c.path("alarms_active").asText();
            }
        }
        return "";
    }
}
