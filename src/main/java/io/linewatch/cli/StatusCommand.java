package io.linewatch.cli;

import io.linewatch.config.LinewatchConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch status}: what the running daemon reports on its HTTP port (readiness, each
 * camera's state and counters, the outbox), read from {@code /readyz} and {@code /metrics}.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Prints what the running daemon reports: readiness, cameras and their states, frames, drops, "
                + "alarms, the MQTT outbox. Reads the daemon's HTTP port (http.port in its config).")
final class StatusCommand implements Callable<Integer> {

    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Option(names = "--config", paramLabel = "FILE", description = "The daemon's config (for http.bind and http.port).")
    Path config;

    @Option(names = "--url", paramLabel = "URL", description = "The daemon's HTTP endpoint, e.g. http://127.0.0.1:9464.")
    String url;

    @Override
    public Integer call() throws InterruptedException {
        String base = base(config, url);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> ready = get(http, base + "/readyz");
        HttpResponse<String> metrics = get(http, base + "/metrics");
        System.out.print("linewatch at " + base + ": " + ready.body());
        print(parse(metrics.body()));
        return ready.statusCode() == 200 ? 0 : 1;
    }

    /** The daemon's HTTP endpoint: {@code url}, or the one {@code config} sets. */
    static String base(Path config, String url) {
        if (url != null) {
            return url.replaceAll("/+$", "");
        }
        if (config == null) {
            throw new CliException(Main.EXIT_CONFIG, "give --config FILE or --url URL");
        }
        LinewatchConfig c = Main.loadConfig(config);
        if (!c.http().enabled()) {
            throw new CliException(Main.EXIT_CONFIG, config + ": http.port: the endpoint is off (0); set a port");
        }
        return "http://" + c.http().bind() + ":" + c.http().port();
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(1, url + ": no answer (is the daemon running with its http.port?): " + e);
        }
    }

    /** Samples by metric name, then by their label text. */
    private static Map<String, Map<String, Double>> parse(String text) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            out.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>())
                    .put(m.group(2) == null ? "" : m.group(2), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private static void print(Map<String, Map<String, Double>> m) {
        Map<String, String> states = new TreeMap<>();
        m.getOrDefault("linewatch_camera_state", Map.of()).forEach((labels, v) -> {
            if (v == 1) {
                Map<String, String> l = labels(labels);
                states.put(l.get("camera"), l.get("state"));
            }
        });
        for (String camera : cameras(m)) {
            System.out.printf(Locale.ROOT, "  camera %s: %s; frames in %.0f, inferred %.0f, dropped %.0f; alarms raised %.0f,"
                            + " cleared %.0f; stalls %.0f, reconnects %.0f%n", camera, states.getOrDefault(camera, "unknown"),
                    of(m, "linewatch_frames_in_total", camera), of(m, "linewatch_frames_inferred_total", camera),
                    droppedOf(m, camera), of(m, "linewatch_alarms_raised_total", camera),
                    of(m, "linewatch_alarms_cleared_total", camera), of(m, "linewatch_camera_stalls_total", camera),
                    of(m, "linewatch_camera_reconnects_total", camera));
        }
        if (m.containsKey("linewatch_outbox_messages")) {
            System.out.printf(Locale.ROOT, "  mqtt: %s; outbox %.0f message(s) waiting, %.0f acknowledged, %.0f refused%n",
                    single(m, "linewatch_mqtt_connected") == 1 ? "connected" : "not connected",
                    single(m, "linewatch_outbox_messages"), single(m, "linewatch_mqtt_acknowledged_total"),
                    single(m, "linewatch_outbox_refused_total"));
        }
    }

    private static Iterable<String> cameras(Map<String, Map<String, Double>> m) {
        return m.getOrDefault("linewatch_frames_in_total", Map.of()).keySet().stream()
                .map(l -> labels(l).get("camera")).toList();
    }

    private static double of(Map<String, Map<String, Double>> m, String name, String camera) {
        return m.getOrDefault(name, Map.of()).getOrDefault("camera=\"" + camera + "\"", 0.0);
    }

    private static double droppedOf(Map<String, Map<String, Double>> m, String camera) {
        return m.getOrDefault("linewatch_frames_dropped_total", Map.of()).entrySet().stream()
                .filter(e -> camera.equals(labels(e.getKey()).get("camera"))).mapToDouble(Map.Entry::getValue).sum();
    }

    private static double single(Map<String, Map<String, Double>> m, String name) {
        return m.getOrDefault(name, Map.of()).getOrDefault("", 0.0);
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            out.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return out;
    }
}
