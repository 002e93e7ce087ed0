package io.linewatch.cli;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.OutboxConfig;
import io.linewatch.config.SinksConfig;
import io.linewatch.sinks.VerdictJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code linewatch demo}: the main job on the embedded default. The shipped plant config with its
 * four cameras and models (detection on the conveyor clip, thermal hotspots on the motor clip,
 * defect segmentation on the inspection clip, process-state classification of two sight glasses on
 * the process clip; from the working directory's {@code models/} and {@code samples/} when present,
 * else from the jar), an embedded MQTT broker, and a subscriber printing each alarm, object event,
 * count, part verdict and region state as it arrives; ends with each task's accuracy against the
 * clips' ground truth (and the part verdicts'), and the delivery check: every alarm event and part
 * verdict logged, and every change of a region's decided state in the results log, was received over
 * MQTT. Exits 0 only when that check holds, else {@link #EXIT_UNDELIVERED}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Replays the shipped clips through the shipped models on the CPU (detection on a conveyor,"
                + " thermal hotspots on a motor, surface defects on an inspection line, the state of a reactor's"
                + " sight glasses), publishing alarms to an embedded MQTT broker, and prints each alarm a subscriber"
                + " receives and each task's accuracy.",
            "Exits 0 when every alarm, part verdict and region state reached the subscriber, 1 when not."})
final class DemoCommand implements Callable<Integer> {

    static final String EXAMPLE_CONFIG = "deploy/examples/plant.yaml";
    /** Exit code when a message the demo logged did not reach the subscriber. */
    static final int EXIT_UNDELIVERED = 1;
    /** Ground truth of each camera of the example config. */
    static final Map<String, String> GROUND_TRUTH = Map.of(
            "conveyor", "samples/conveyor.gt.jsonl",
            "motor", "samples/motor.gt.jsonl",
            "inspection", "samples/inspection.gt.jsonl",
            "reactor", "samples/process.gt.jsonl");
    /** Everything the demo reads, as the jar carries it under {@link #RESOURCES}. */
    static final List<String> FILES = List.of(EXAMPLE_CONFIG,
            "models/conveyor-det.onnx", "models/thermal-hotspot.onnx", "models/surface-defects.onnx",
            "models/process-state.onnx",
            "samples/conveyor.mp4", "samples/motor.mkv", "samples/inspection.mp4", "samples/process.mp4",
            "samples/conveyor.gt.jsonl", "samples/motor.gt.jsonl", "samples/inspection.gt.jsonl",
            "samples/process.gt.jsonl", "samples/inspection.masks.mkv");
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
        c = c.withSinks(new SinksConfig(events.toString(), out.resolve("snapshots").toString()));
        try (EmbeddedBroker broker = new EmbeddedBroker();
             AlarmSubscriber subscriber = new AlarmSubscriber(broker.url(), "linewatch/#", System.out)) {
            // A fresh broker each demo: what an earlier demo left undelivered has nowhere to go.
            Path outbox = out.resolve("outbox");
            deleteTree(outbox);
            c = c.withMqtt(c.mqtt().withUrl(broker.url()).withOutbox(new OutboxConfig(outbox.toString(), null)));
            for (CameraConfig camera : c.cameras()) {
                System.out.printf("demo: camera %s: %s -> %s (%s)%n", camera.id(), camera.source(),
                        c.models().get(camera.model()).path(), c.models().get(camera.model()).task().name()
                                .toLowerCase(java.util.Locale.ROOT));
            }
            System.out.printf("demo: %s, broker %s; alarms print as the subscriber receives them%n",
                    fast ? "as fast as possible" : "real time", broker.url());
            Map<String, Path> truths = new LinkedHashMap<>();
            for (CameraConfig camera : c.cameras()) {
                Path truth = root.resolve(GROUND_TRUTH.getOrDefault(camera.id(), "none"));
                if (Files.exists(truth)) {
                    truths.put(camera.id(), truth);
                }
            }
            Path results = out.resolve("results.jsonl");
            int code = ReplayCommand.run(c, !fast, results, truths, null);
            List<String> lines = Files.exists(events) ? Files.readAllLines(events) : List.of();
            long verdicts = lines.stream().filter(l -> l.contains("\"" + VerdictJson.SCHEMA + "\"")).count();
            long logged = lines.size() - verdicts;
            long regionStates = RegionStateChanges.count(results);
            waitFor(subscriber, logged, verdicts, regionStates);
            System.out.printf("demo: %d alarm event(s) logged in %s, %d received over MQTT; %d part verdict(s) logged,"
                    + " %d received; %d region state change(s) decided, %d received; snapshots in %s%n", logged, events,
                    subscriber.received(), verdicts, subscriber.verdicts(), regionStates, subscriber.regionStates(),
                    out.resolve("snapshots"));
            if (subscriber.duplicates() > 0) {
                System.out.printf("demo: %d message(s) came again (a QoS 1 resend or a retained one restated),"
                        + " counted once%n", subscriber.duplicates());
            }
            if (code == 0 && (subscriber.received() != logged || subscriber.verdicts() != verdicts
                    || subscriber.regionStates() != regionStates)) {
                System.out.println("demo: FAILED: not every message logged or decided reached the subscriber"
                        + " within 5 s of the replay's end");
                return EXIT_UNDELIVERED;
            }
            return code;
        }
    }

    private static void waitFor(AlarmSubscriber subscriber, long alarms, long verdicts, long regionStates)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while ((subscriber.received() < alarms || subscriber.verdicts() < verdicts
                || subscriber.regionStates() < regionStates)
                && System.currentTimeMillis() < deadline) {
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
        if (FILES.stream().allMatch(f -> Files.exists(here.resolve(f)))) {
            return here;
        }
        Path root = out.resolve("defaults").toAbsolutePath();
        for (String name : FILES) {
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
