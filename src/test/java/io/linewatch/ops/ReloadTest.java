package io.linewatch.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.linewatch.testing.Cli;
import io.linewatch.testing.Daemon;
import io.linewatch.testing.Mosquitto;
import io.linewatch.testing.MqttCollector;
import io.linewatch.testing.Shipped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon ({@code linewatch run} in a child JVM, so that SIGHUP is real) replays the looped
 * conveyor clip at its own rate into a real Mosquitto while its config file is edited and reloaded:
 * alarm rules change in place, a config that does not load or names a missing model is refused
 * (HTTP 422) and the running one goes on, a changed source restarts only that camera (200), an
 * unchanged config changes nothing (200), and a changed model drains the daemon (202) and exits 75
 * for the service manager to restart it.
 */
class ReloadTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void sighupChangesTheAlarmRulesInPlaceAndAConfigThatDoesNotLoadIsRefused() throws Exception {
        int port = Mosquitto.freePort();
        String base = "http://127.0.0.1:" + port;
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector events = new MqttCollector(broker.url(), "linewatch/+/+/+/events")) {
            Path config = Shipped.exampleConfig(dir, broker.url(), "loop: false", "loop: true",
                    "min_confidence: 0.5", "min_confidence: 0.99", "  port: 0 ", "  port: " + port + " ");
            Process daemon = Daemon.command(dir, dir.resolve("daemon.log"), "run", "--config", config.toString()).start();
            try {
                awaitReady(daemon, base);
                // The first foreign object is on the belt in frames 108-219; the model never scores
                // one above 0.95, so at 0.99 nothing is raised.
                await().atMost(PATIENCE).until(() -> metric(base, "linewatch_frames_in_total", "conveyor") >= 240);
                assertThat(metric(base, "linewatch_alarms_raised_total", "conveyor")).isZero();
                assertThat(events.payloads()).isEmpty();
                double framesBefore = metric(base, "linewatch_frames_in_total", "conveyor");

                String valid = Files.readString(config).replace("min_confidence: 0.99", "min_confidence: 0.3");
                Files.writeString(config, valid);
                signal("HUP", daemon);
                await().atMost(PATIENCE).until(() -> log().contains("reload (SIGHUP): alarms changed foreign-object-on-belt"));
                await().atMost(PATIENCE).until(() -> raised(events) >= 1 || !daemon.isAlive());
                assertThat(daemon.isAlive()).as(log()).isTrue();
                assertThat(metric(base, "linewatch_frames_in_total", "conveyor")).as("the same run: counters go on")
                        .isGreaterThan(framesBefore);
                assertThat(log()).doesNotContain("stopped").containsOnlyOnce("running 1 camera(s)")
                        .doesNotContain("SIGHUP is ignored");

                Files.writeString(config, valid.replace("min_confidence: 0.3", "min_confidence: high"));
                HttpResponse<String> refused = post(base + "/reload");
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
                assertThat(refused.body()).startsWith("refused: " + config + ": alarms[0].min_confidence: ");
                Cli.Result bad = Cli.run("reload", "--url", base);
                assertThat(bad.exitCode()).isEqualTo(1);
                assertThat(bad.out()).contains("refused: " + config + ": alarms[0].min_confidence: ");
                assertThat(log()).contains("refused, the running config stays: " + config + ": alarms[0].min_confidence: ");

                Path gone = dir.resolve("gone.onnx");
                Files.writeString(config, valid.replace(Shipped.MODEL.toString(), gone.toString()));
                Cli.Result missing = Cli.run("reload", "--config", config.toString());
                assertThat(missing.exitCode()).isEqualTo(1);
                assertThat(missing.out()).contains("refused: " + config + ": models.conveyor.path: cannot read " + gone
                        + ": no such file");

                // The running rules (0.3) go on raising.
                int raisedBefore = raised(events);
                await().atMost(PATIENCE).until(() -> raised(events) > raisedBefore || !daemon.isAlive());
                assertThat(daemon.isAlive()).as(log()).isTrue();

                daemon.destroy(); // SIGTERM
                assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(daemon.exitValue()).as(log()).isZero();
            } finally {
                daemon.destroyForcibly();
            }
        }
    }

    @Test
    void aChangedSourceRestartsOnlyThatCameraAndAChangedModelRestartsTheDaemon() throws Exception {
        int port = Mosquitto.freePort();
        String base = "http://127.0.0.1:" + port;
        Path first = Files.copy(Shipped.CLIP, dir.resolve("dock-1.mp4"));
        Path second = Files.copy(Shipped.CLIP, dir.resolve("dock-2.mp4"));
        try (Mosquitto broker = Mosquitto.start(dir.resolve("broker"));
             MqttCollector states = new MqttCollector(broker.url(), "linewatch/+/+/+/state")) {
            Path config = Shipped.exampleConfig(dir, broker.url(), "loop: false", "loop: true",
                    "  port: 0 ", "  port: " + port + " ",
                    "cameras:\n", "cameras:\n  - id: dock\n    source: " + first + "\n    model: conveyor\n    loop: true\n");
            Process daemon = Daemon.command(dir, dir.resolve("daemon.log"), "run", "--config", config.toString()).start();
            try {
                awaitReady(daemon, base);
                await().atMost(PATIENCE).until(() -> metric(base, "linewatch_frames_in_total", "dock") >= 50
                        && metric(base, "linewatch_frames_in_total", "conveyor") >= 50);
                int conveyorStates = states.payloadsOn("linewatch/plant1/box1/conveyor/state").size();
                double dockBefore = metric(base, "linewatch_frames_in_total", "dock");
                double conveyorBefore = metric(base, "linewatch_frames_in_total", "conveyor");

                Files.writeString(config, Files.readString(config).replace(first.toString(), second.toString()));
                Cli.Result reload = Cli.run("reload", "--url", base);
                assertThat(reload.exitCode()).as(reload.out()).isZero();
                assertThat(reload.out()).contains("reloaded: capture restarted for camera(s) [dock]");
                await().atMost(PATIENCE).until(() -> streamsAgain(states.payloadsOn("linewatch/plant1/box1/dock/state"),
                        second.toString()) || !daemon.isAlive());
                assertThat(log()).contains("camera dock: STOPPED", "camera dock: CONNECTING: opening " + second)
                        .doesNotContain("camera conveyor: STOPPED");
                await().atMost(PATIENCE).until(() -> metric(base, "linewatch_frames_in_total", "dock") > dockBefore + 25);
                assertThat(metric(base, "linewatch_frames_in_total", "conveyor")).isGreaterThan(conveyorBefore);
                assertThat(states.payloadsOn("linewatch/plant1/box1/conveyor/state")).as("conveyor streamed on")
                        .hasSize(conveyorStates);
                HttpResponse<String> same = post(base + "/reload");
                assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
                assertThat(same.body()).startsWith("reloaded: nothing changed");
                assertThat(log()).contains("reload (http 127.0.0.1): nothing changed");

                // Log levels take effect in place: with the reload's own logger at warn, its info line is gone.
                Files.writeString(config, Files.readString(config).replace("    org.eclipse.paho: warn",
                        "    org.eclipse.paho: warn\n    io.linewatch.cli.DaemonReload: warn"));
                HttpResponse<String> quiet = post(base + "/reload");
                assertThat(quiet.statusCode()).as(quiet.body()).isEqualTo(200);
                assertThat(quiet.body()).startsWith("reloaded: log levels changed");
                long reloadLines = log().lines().filter(l -> l.contains("reload (http 127.0.0.1)")).count();
                assertThat(post(base + "/reload").body()).startsWith("reloaded: nothing changed");
                assertThat(log().lines().filter(l -> l.contains("reload (http 127.0.0.1)")).count())
                        .as("no info line from DaemonReload once it logs at warn").isEqualTo(reloadLines);

                Files.writeString(config, Files.readString(config).replace("batch_size: 4", "batch_size: 2"));
                HttpResponse<String> restart = post(base + "/reload");
                assertThat(restart.statusCode()).as(restart.body()).isEqualTo(202);
                assertThat(restart.body()).startsWith("restarting: model conveyor changed");
                assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(daemon.exitValue()).as(log()).isEqualTo(75);
                assertThat(log()).contains("reload (http 127.0.0.1): model conveyor changed: restarting",
                        "stopped for a restart");
            } finally {
                daemon.destroyForcibly();
            }
        }
    }

    /**
     * Started with SIGHUP ignored (under nohup), the JVM keeps it ignored and a SIGHUP cannot reload:
     * the daemon says so, and how to reload instead; started normally, it does not.
     */
    @Test
    void aDaemonStartedWithSighupIgnoredSaysHowToReload() throws Exception {
        Path config = Shipped.exampleConfig(dir, null, "loop: false", "loop: true");
        ProcessBuilder command = Daemon.command(dir, dir.resolve("daemon.log"), "run", "--config", config.toString());
        command.command().add(0, "nohup");
        Process daemon = command.start();
        try {
            await().atMost(PATIENCE).until(() -> log().contains("running 1 camera(s)") || !daemon.isAlive());
            assertThat(log()).contains("WARN  RunCommand - SIGHUP is ignored in this process (started under nohup?):"
                    + " reload with `linewatch reload` or POST /reload instead");
        } finally {
            daemon.destroy();
            daemon.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void awaitReady(Process daemon, String base) throws IOException {
        await().atMost(PATIENCE).until(() -> !daemon.isAlive() || ready(base));
        assertThat(daemon.isAlive()).as(log()).isTrue();
    }

    private static boolean ready(String base) {
        try {
            return get(base + "/readyz").statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A camera's sample of a per-camera metric, from a scrape now. */
    private static double metric(String base, String name, String camera) throws IOException, InterruptedException {
        String prefix = name + "{camera=\"" + camera + "\"} ";
        return get(base + "/metrics").body().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(prefix.length()))).orElseThrow();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The camera's states show it opening {@code source}, then streaming. */
    private static boolean streamsAgain(java.util.List<String> states, String source) {
        int opening = -1;
        for (int i = 0; i < states.size(); i++) {
            if (states.get(i).contains("\"connecting\"") && states.get(i).contains(source)) {
                opening = i;
            } else if (opening >= 0 && states.get(i).contains("\"streaming\"")) {
                return true;
            }
        }
        return false;
    }

    private static int raised(MqttCollector events) {
        return (int) events.payloads().stream().filter(p -> p.contains("\"type\":\"raised\"")).count();
    }

    /** The shell's own kill: procps may be missing on a bare machine. */
    private static void signal(String name, Process p) throws IOException, InterruptedException {
        new ProcessBuilder("sh", "-c", "kill -" + name + " " + p.pid()).start().waitFor();
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("daemon.log"));
    }
}
