package io.linewatch.cli;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.OutboxConfig;
import io.linewatch.config.SinksConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch demo}: the main job on the embedded default. The shipped example config, model
 * and conveyor clip (from the working directory's {@code models/} and {@code samples/} when present,
 * else from the jar), an embedded MQTT broker, and a subscriber printing each alarm as it arrives.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Replays the shipped conveyor clip through the shipped model on the CPU, publishing alarms to"
                + " an embedded MQTT broker, and prints each alarm a subscriber receives.")
final class DemoCommand implements Callable<Integer> {

    static final String EXAMPLE_CONFIG = "deploy/examples/conveyor.yaml";
    static final String MODEL = "models/conveyor-det.onnx";
    static final String CLIP = "samples/conveyor.mp4";
    static final String GROUND_TRUTH = "samples/conveyor.gt.jsonl";
    private static final String RESOURCES = "linewatch/default/";

    @Option(names = "--fast", description = "Replay as fast as possible instead of at the clip's frame rate.")
    boolean fast;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "linewatch-demo",
            description = "Folder for the event log and snapshots (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        Path root = defaultsRoot();
        LinewatchConfig c = Main.loadConfig(root.resolve(EXAMPLE_CONFIG));
        Path events = out.resolve("events.jsonl");
        Files.deleteIfExists(events);
        CameraConfig camera = c.cameras().get(0);
        c = c.withCameras(List.of(camera.withSource(camera.id(), root.resolve(CLIP).toString(), camera.pacing())))
                .withSinks(new SinksConfig(events.toString(), out.resolve("snapshots").toString()));
        try (EmbeddedBroker broker = new EmbeddedBroker();
             AlarmSubscriber subscriber = new AlarmSubscriber(broker.url(), "linewatch/#", System.out)) {
            // A fresh broker each demo: what an earlier demo left undelivered has nowhere to go.
            Path outbox = out.resolve("outbox");
            deleteTree(outbox);
            c = c.withMqtt(c.mqtt().withUrl(broker.url()).withOutbox(new OutboxConfig(outbox.toString(), null)));
            System.out.printf("demo: %s on %s (%s), broker %s; alarms print as the subscriber receives them%n",
                    root.resolve(CLIP), root.resolve(MODEL), fast ? "as fast as possible" : "real time", broker.url());
            Path truth = root.resolve(GROUND_TRUTH);
            int code = ReplayCommand.run(c, !fast, null, Files.exists(truth) ? truth : null, null);
            long logged = Files.exists(events) ? Files.lines(events).count() : 0;
            waitFor(subscriber, logged);
            System.out.printf("demo: %d alarm event(s) logged in %s, %d received over MQTT; snapshots in %s%n",
                    logged, events, subscriber.received(), out.resolve("snapshots"));
            return code;
        }
    }

    private static void waitFor(AlarmSubscriber subscriber, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (subscriber.received() < expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The repository checkout when run from one, else the defaults unpacked from the jar. */
    private Path defaultsRoot() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        if (Files.exists(here.resolve(EXAMPLE_CONFIG)) && Files.exists(here.resolve(MODEL))
                && Files.exists(here.resolve(CLIP))) {
            return here;
        }
        Path root = out.resolve("defaults").toAbsolutePath();
        for (String name : new String[] {EXAMPLE_CONFIG, MODEL, CLIP, GROUND_TRUTH}) {
            try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new IOException("the jar holds no " + RESOURCES + name + "; rebuild with mvn package");
                }
                Path target = root.resolve(name);
                Files.createDirectories(target.getParent());
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return root;
    }
}
