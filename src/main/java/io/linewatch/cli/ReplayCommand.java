package io.linewatch.cli;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.SinksConfig;
import io.linewatch.eval.DetectionMatch;
import io.linewatch.eval.SegmentationMatch;
import io.linewatch.eval.ThermalAccuracy;
import io.linewatch.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code linewatch replay}: recorded clips through the whole pipeline, then a summary. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replays recorded clips through the configured pipeline (as fast as possible unless"
                + " --realtime), publishes and logs alarms as the daemon would, and prints a summary.",
            "Each CLIP replaces the source of the camera at the same position in the config; with one"
                + " camera in the config, every CLIP becomes a copy of it. Without CLIPs the configured"
                + " sources are replayed."})
final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML config file.")
    Path config;

    @Parameters(paramLabel = "CLIP", arity = "0..*", description = "Video files to replay.")
    List<Path> clips = new ArrayList<>();

    @Option(names = "--realtime", description = "Deliver frames at each clip's own frame rate.")
    boolean realtime;

    @Option(names = "--detections", paramLabel = "FILE",
            description = "Write every frame's detections here (JSONL); for a thermal camera its temperatures and"
                    + " hotspots; for a segmentation camera its defect regions and its mask (runs of source pixels"
                    + " per class).")
    Path detections;

    @Option(names = "--ground-truth", paramLabel = "FILE",
            description = "Ground truth of the (single) clip, JSONL: boxes (prints precision and recall at IoU 0.5) or,"
                    + " for a thermal camera, temperatures and hotspots (prints MAE and hotspot position error) or, for"
                    + " a segmentation camera, defects with the true masks beside it (X.gt.jsonl, X.masks.mkv; prints"
                    + " mask IoU, foreground and per class, and defect recall).")
    Path groundTruth;

    @Option(names = "--events", paramLabel = "FILE", description = "Event log (JSONL); overrides sinks.event_log.")
    Path events;

    @Option(names = "--snapshots", paramLabel = "DIR", description = "Snapshot folder; overrides sinks.snapshots_dir.")
    Path snapshots;

    @Option(names = "--no-mqtt", description = "Do not publish to MQTT (events still go to the log).")
    boolean noMqtt;

    @Override
    public Integer call() throws Exception {
        LinewatchConfig c = bindClips(Main.loadConfig(config));
        if (groundTruth != null && c.cameras().size() != 1) {
            throw new CliException(Main.EXIT_CONFIG, "--ground-truth needs exactly one camera, the config has "
                    + c.cameras().size());
        }
        if (noMqtt) {
            c = c.withMqtt(c.mqtt().withEnabled(false));
        }
        c = c.withSinks(new SinksConfig(events == null ? c.sinks().eventLog() : events.toString(),
                snapshots == null ? c.sinks().snapshotsDir() : snapshots.toString()));
        return run(c, realtime, detections, groundTruth, null);
    }

    /** Replays {@code c} to the end of its sources, prints the summary, returns the exit code. */
    static int run(LinewatchConfig c, boolean realtime, Path detections, Path groundTruth,
                   io.linewatch.sinks.AlarmSinkHandler.AlarmListener listener) throws IOException, InterruptedException {
        ModelConfig model = c.models().get(c.cameras().get(0).model());
        ModelConfig.Task task = groundTruth == null ? null : model.task();
        if (task == ModelConfig.Task.SEGMENTATION && !Files.exists(SegmentationMatch.masksBeside(groundTruth))) {
            throw new CliException(Main.EXIT_CONFIG, "--ground-truth " + groundTruth + ": the true masks "
                    + SegmentationMatch.masksBeside(groundTruth).getFileName() + " are not beside it");
        }
        Path detectionsFile = detections;
        if (detectionsFile == null && groundTruth != null) {
            detectionsFile = Files.createTempFile("linewatch-detections", ".jsonl");
            detectionsFile.toFile().deleteOnExit();
        }
        long start = System.nanoTime();
        Pipeline pipeline = Main.start(c, new Pipeline.Options(realtime, true, detectionsFile, listener));
        try {
            pipeline.awaitSources();
        } finally {
            pipeline.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String camera = c.cameras().get(0).id();
        DetectionMatch.Result truth = task == ModelConfig.Task.DETECTION
                ? DetectionMatch.evaluate(groundTruth, detectionsFile, camera, 0.5) : null;
        Summary.print(System.out, pipeline, seconds, truth);
        if (task == ModelConfig.Task.THERMAL) {
            System.out.println(ThermalAccuracy.evaluate(groundTruth, detectionsFile, camera).summaryLine());
        }
        if (task == ModelConfig.Task.SEGMENTATION) {
            System.out.println(SegmentationMatch.evaluate(groundTruth, SegmentationMatch.masksBeside(groundTruth),
                    detectionsFile, camera, model.classes()).summaryLine());
        }
        return 0;
    }

    private LinewatchConfig bindClips(LinewatchConfig c) {
        if (clips.isEmpty()) {
            if (c.cameras().isEmpty()) {
                throw new CliException(Main.EXIT_CONFIG, config + ": cameras: none configured and no CLIP given");
            }
            return c;
        }
        List<CameraConfig> cameras = new ArrayList<>();
        if (c.cameras().size() == clips.size()) {
            for (int i = 0; i < clips.size(); i++) {
                CameraConfig cam = c.cameras().get(i);
                cameras.add(cam.withSource(cam.id(), clips.get(i).toString(), cam.pacing()));
            }
        } else if (c.cameras().size() == 1) {
            CameraConfig template = c.cameras().get(0);
            for (int i = 0; i < clips.size(); i++) {
                cameras.add(template.withSource(template.id() + "-" + (i + 1), clips.get(i).toString(),
                        template.pacing()));
            }
        } else {
            throw new CliException(Main.EXIT_CONFIG, config + ": cameras: " + c.cameras().size()
                    + " cameras configured but " + clips.size() + " clips given; give one clip per camera, or configure"
                    + " one camera");
        }
        return c.withCameras(cameras);
    }
}
