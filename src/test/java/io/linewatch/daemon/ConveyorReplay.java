package io.linewatch.daemon;

import io.linewatch.capture.Playback;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.SinksConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The lane tests' replay: a config's conveyor model, changed as a test asks, on the test's cameras,
 * as fast as possible, MQTT off, with the results log, event log and snapshots under one folder.
 * What one run logged can then be compared with another's.
 */
final class ConveyorReplay {

    private ConveyorReplay() {
    }

    /** Starts {@code c} with {@code cameras} and its conveyor model as {@code model} makes it, {@code frames} a camera. */
    static Pipeline start(Path out, LinewatchConfig c, List<CameraConfig> cameras, UnaryOperator<ModelConfig> model,
                          long frames) throws StartupException {
        LinewatchConfig run = c.withCameras(cameras)
                .withModels(Map.of("conveyor", model.apply(c.models().get("conveyor"))))
                .withMqtt(c.mqtt().withEnabled(false))
                .withSinks(new SinksConfig(out.resolve("events.jsonl").toString(), out.resolve("snapshots").toString()));
        return Pipeline.start(run, Pipeline.Options.replay(Playback.asFastAsPossible().withLoad(1, frames))
                .withDetectionsLog(out.resolve("detections.jsonl")));
    }

    /** The results log of the run under {@code out}, a line a frame. */
    static List<String> detections(Path out) throws IOException {
        return Files.readAllLines(out.resolve("detections.jsonl"));
    }

    /** The event log's alarms of the run under {@code out}, without their random ids and wall-clock fields. */
    static List<String> alarms(Path out) throws IOException {
        return Files.readAllLines(out.resolve("events.jsonl")).stream()
                .map(line -> line.replaceAll("\"(id|time|snapshot)\":\"[^\"]*\"", "\"$1\":_")).toList();
    }
}
