package io.linewatch.daemon;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.ClassificationCameraConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.StateAlarmConfig;
import io.linewatch.inference.ModelSignature;
import io.linewatch.postprocess.AlarmRule;
import io.linewatch.postprocess.ClassifyHandler;
import io.linewatch.postprocess.StateRule;
import io.linewatch.preprocess.ClassifyPreprocessHandler;
import io.linewatch.sinks.ClassLogHandler;
import io.linewatch.sinks.ClassSnapshot;
import io.linewatch.sinks.FrameLines;
import io.linewatch.sinks.MqttPublisher;
import io.linewatch.sinks.RegionStateHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The stages of a classification lane ({@link TaskStages} for {@code task: classification}): each
 * camera's regions cropped and stretched into one slot (the regions of a frame batched), scores and
 * maps decoded into probabilities, states and peaks, state rules per region, the map over the alarm
 * snapshot, the results log and the retained region states.
 *
 * <p>The model's outputs: scores {@code [B, states]} (logits, or probabilities as an Ultralytics
 * classification export gives) and optionally a class-activation map {@code [B, states, h, w]}.
 */
final class ClassificationStages {

    private ClassificationStages() {
    }

    static TaskStages of(LinewatchConfig config, ModelConfig model, ModelSignature sig, List<Integer> cameras,
                         FrameLines log, MqttPublisher mqtt)
            throws StartupException {
        TaskStages.requireChannels(model, sig, 3);
        int states = model.classes().size();
        List<long[]> dims = sig.outputs().stream().map(ModelSignature.Output::dims).toList();
        int scores = ClassifyHandler.scoresOutput(dims, states);
        int cam = ClassifyHandler.camOutput(dims, states);
        if (scores < 0) {
            throw new StartupException("model " + model.path() + ": a classification model needs an output [B, "
                    + states + "] (one score per state of " + model.classes() + "); its outputs are " + sig.outputs(),
                    null);
        }
        int camHeight = cam < 0 ? 0 : (int) sig.outputs().get(cam).dims()[1];
        int camWidth = cam < 0 ? 0 : (int) sig.outputs().get(cam).dims()[2];
        ClassificationCameraConfig[] regions = regions(config, cameras);
        int camOutput = cam;
        return new TaskStages(
                gate -> new Lane.Stage(ClassifyPreprocessHandler.NAME, new ClassifyPreprocessHandler(regions,
                        sig.width(), sig.height(), model.preprocess(), gate)),
                new Lane.Stage(ClassifyHandler.NAME, new ClassifyHandler(regions, states, scores, cam, camHeight,
                        camWidth, model.classification().stateHoldSeconds())),
                null,
                rules(config, cameras),
                () -> new ClassSnapshot(model.classes(), camOutput, camHeight, camWidth),
                log == null ? null : new Lane.Stage(ClassLogHandler.NAME, new ClassLogHandler(log, regions,
                        model.classes())),
                null, null, null,
                mqtt == null ? null : new Lane.Stage(RegionStateHandler.NAME, new RegionStateHandler(
                        config.identity(), regions, model.classes(), mqtt)));
    }

    /** Images one slot of a lane holds: its cameras' most regions for classification, else 1. */
    static int imagesPerSlot(LinewatchConfig config, ModelConfig model, List<Integer> cameras) {
        if (model.task() != ModelConfig.Task.CLASSIFICATION) {
            return 1;
        }
        return cameras.stream().mapToInt(i -> config.cameras().get(i).classification().imagesPerFrame()).max()
                .orElse(1);
    }

    /** Each camera's regions, by camera index (null for cameras of other lanes). */
    private static ClassificationCameraConfig[] regions(LinewatchConfig config, List<Integer> cameras) {
        ClassificationCameraConfig[] out = new ClassificationCameraConfig[config.cameras().size()];
        for (int i : cameras) {
            out[i] = config.cameras().get(i).classification();
        }
        return out;
    }

    /** The state rules of each of {@code cameras}, one per watched region, by camera index. */
    static AlarmRule[][] rules(LinewatchConfig config, List<Integer> cameras) {
        AlarmRule[][] rules = new AlarmRule[config.cameras().size()][];
        for (int i : cameras) {
            CameraConfig camera = config.cameras().get(i);
            List<String> states = config.models().get(camera.model()).classes();
            ClassificationCameraConfig c = camera.classification();
            List<AlarmRule> forCamera = new ArrayList<>();
            for (StateAlarmConfig rule : config.stateAlarms()) {
                boolean watches = rule.cameras().isEmpty() || rule.cameras().contains(camera.id());
                if (!watches || !states.containsAll(rule.states())) {
                    continue;
                }
                for (int r = 0; r < c.imagesPerFrame(); r++) {
                    String region = c.regionName(r);
                    if (rule.regions().isEmpty() || rule.regions().contains(region)) {
                        forCamera.add(new StateRule(rule, r, region, states));
                    }
                }
            }
            rules[i] = forCamera.toArray(AlarmRule[]::new);
        }
        return rules;
    }
}
