package io.linewatch.cli;

import io.linewatch.capture.Playback;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.SinksConfig;
import io.linewatch.daemon.Pipeline;
import io.linewatch.eval.ClassificationMatch;
import io.linewatch.eval.DetectionMatch;
import io.linewatch.eval.PartVerdictMatch;
import io.linewatch.eval.SegmentationMatch;
import io.linewatch.eval.ThermalAccuracy;
import io.linewatch.eval.TrackMatch;
import io.linewatch.ops.OpsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--ground-truth", paramLabel = "[CAMERA=]FILE",
            description = {"Ground truth of a camera's clip, JSONL; repeat it for several cameras (CAMERA= may be"
                    + " left out when the config has one camera). By the camera's task: boxes (prints precision and"
                    + " recall at IoU 0.5, and MOTA, IDF1 and identity switches when it has track ids), temperatures and"
                    + " hotspots (prints MAE and hotspot position error),"
                    + " defects with the true masks in X.masks.mkv beside X.gt.jsonl (prints mask IoU and defect"
                    + " recall), or each region's state and abnormal box (prints accuracy, recall per state, the"
                    + " confusion matrix and the share of abnormal region-frames whose map peak is in the box)."})
    List<String> groundTruth = new ArrayList<>();

    @Option(names = "--events", paramLabel = "FILE", description = "Event log (JSONL); overrides sinks.event_log.")
    Path events;

    @Option(names = "--snapshots", paramLabel = "DIR", description = "Snapshot folder; overrides sinks.snapshots_dir.")
    Path snapshots;

    @Option(names = "--no-mqtt", description = "Do not publish to MQTT (events still go to the log).")
    boolean noMqtt;

    @Override
    public Integer call() throws Exception {
        LinewatchConfig c = bindClips(Main.loadConfig(config));
        Map<String, Path> truths = groundTruths(c);
        if (noMqtt) {
            c = c.withMqtt(c.mqtt().withEnabled(false));
        }
        c = c.withSinks(new SinksConfig(events == null ? c.sinks().eventLog() : events.toString(),
                snapshots == null ? c.sinks().snapshotsDir() : snapshots.toString(), c.sinks().clips(),
                c.sinks().stateDir(), c.sinks().sparkplug()));
        return run(c, realtime, detections, truths, null);
    }

    /** The {@code --ground-truth} files by camera id; a bare FILE needs a config of one camera. */
    private Map<String, Path> groundTruths(LinewatchConfig c) {
        Map<String, Path> truths = new LinkedHashMap<>();
        for (String spec : groundTruth) {
            int eq = spec.indexOf('=');
            String camera;
            String file;
            if (eq > 0 && c.cameras().stream().anyMatch(cam -> cam.id().equals(spec.substring(0, eq)))) {
                camera = spec.substring(0, eq);
                file = spec.substring(eq + 1);
            } else if (c.cameras().size() == 1) {
                camera = c.cameras().get(0).id();
                file = spec;
            } else {
                throw new CliException(Main.EXIT_CONFIG, "--ground-truth " + spec + ": the config has "
                        + c.cameras().size() + " cameras; name one as CAMERA=FILE (cameras: "
                        + c.cameras().stream().map(CameraConfig::id).toList() + ")");
            }
            truths.put(camera, Path.of(file));
        }
        return truths;
    }

    /**
     * Replays {@code c} to the end of its sources, prints the summary and, for each camera given
     * ground truth, its task's accuracy; returns the exit code.
     *
     * @param groundTruths ground-truth files by camera id (empty for none)
     */
    static int run(LinewatchConfig c, boolean realtime, Path detections, Map<String, Path> groundTruths,
                   io.linewatch.sinks.AlarmSinkHandler.AlarmListener listener) throws IOException, InterruptedException {
        for (Map.Entry<String, Path> t : groundTruths.entrySet()) {
            if (taskOf(c, t.getKey()) == ModelConfig.Task.SEGMENTATION
                    && !Files.exists(SegmentationMatch.masksBeside(t.getValue()))) {
                throw new CliException(Main.EXIT_CONFIG, "--ground-truth " + t.getValue() + ": the true masks "
                        + SegmentationMatch.masksBeside(t.getValue()).getFileName() + " are not beside it");
            }
        }
        Path resultsLog = detections;
        if (resultsLog == null && !groundTruths.isEmpty()) {
            resultsLog = Files.createTempFile("linewatch-detections", ".jsonl");
            resultsLog.toFile().deleteOnExit();
        }
        long start = System.nanoTime();
        Pipeline pipeline = Main.start(c, Pipeline.Options.replay(realtime ? Playback.realtime()
                : Playback.asFastAsPossible()).withDetectionsLog(resultsLog).withListener(listener));
        OpsServer ops = Main.serve(c, pipeline);
        io.linewatch.opcua.OpcUaEndpoint opcua = Main.serveOpcUa(c, pipeline);
        try {
            pipeline.awaitSources();
        } finally {
            if (opcua != null) {
                opcua.close();
            }
            pipeline.close();
            if (ops != null) {
                ops.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Summary.print(System.out, pipeline, seconds);
        for (Map.Entry<String, Path> t : groundTruths.entrySet()) {
            System.out.println(accuracy(c, t.getKey(), t.getValue(), resultsLog));
        }
        return 0;
    }

    /** One summary line: the accuracy of {@code camera}'s results against its ground truth. */
    private static String accuracy(LinewatchConfig c, String camera, Path truth, Path resultsLog) throws IOException {
        ModelConfig model = c.models().get(c.cameras().stream().filter(cam -> cam.id().equals(camera))
                .findFirst().orElseThrow().model());
        String line = switch (model.task()) {
            case DETECTION -> DetectionMatch.evaluate(truth, resultsLog, camera, 0.5).summaryLine() + tracks(truth,
                    resultsLog, camera);
            case THERMAL -> ThermalAccuracy.evaluate(truth, resultsLog, camera).summaryLine();
            case SEGMENTATION -> SegmentationMatch.evaluate(truth, SegmentationMatch.masksBeside(truth), resultsLog,
                    camera, model.classes()).summaryLine() + parts(c, camera, truth);
            case CLASSIFICATION -> ClassificationMatch.evaluate(truth, resultsLog, camera, model.classes()).summaryLine();
        };
        return c.cameras().size() == 1 ? line : line.replaceAll("(?m)^  ", "  camera " + camera + ": ");
    }

    /** The part verdict line (a line break first), when the camera judges parts; else nothing. */
    private static String parts(LinewatchConfig c, String camera, Path truth) throws IOException {
        boolean judges = c.cameras().stream().anyMatch(cam -> cam.id().equals(camera) && cam.inspection().parts() != null);
        return judges ? System.lineSeparator() + PartVerdictMatch.evaluate(truth, Path.of(c.sinks().eventLog()), camera)
                .summaryLine() : "";
    }

    /** The track quality line (a line break first), when the ground truth has track ids; else nothing. */
    private static String tracks(Path truth, Path resultsLog, String camera) throws IOException {
        TrackMatch.Result r = TrackMatch.evaluate(truth, resultsLog, camera, 0.5);
        return r.trueTracks() == 0 ? "" : System.lineSeparator() + r.summaryLine();
    }

    private static ModelConfig.Task taskOf(LinewatchConfig c, String camera) {
        return c.cameras().stream().filter(cam -> cam.id().equals(camera)).findFirst()
                .map(cam -> c.models().get(cam.model()).task()).orElseThrow();
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
