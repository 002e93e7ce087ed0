package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.capture.Playback;
import io.linewatch.config.ConfigLoader;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.postprocess.AlarmRule;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a reload changes in place and what needs a restart, from the two configs alone. */
class ReloadPlanTest {

    private static final String RUNNING = """
            site: plant1
            cameras:
              - id: belt
                source: /clips/belt.mp4
                model: det
                loop: true
              - id: dock
                source: rtsp://10.0.0.5/stream
                model: det
            models:
              det:
                path: /models/det.onnx
                classes: [product, foreign_object]
            alarms:
              - name: fo
                class: foreign_object
                min_confidence: 0.99
              - name: product-jam
                class: product
                raise_hits: 5
                window_frames: 5
            logging:
              level: info
            """;

    private static final Playback DAEMON = Playback.asConfigured();

    private static LinewatchConfig parse(String yaml) throws Exception {
        return ConfigLoader.parse("test.yaml", yaml);
    }

    private static ReloadPlan plan(String from, String to) throws Exception {
        return plan(from, to, Set.of());
    }

    private static ReloadPlan plan(String from, String to, Set<String> modelFilesChanged) throws Exception {
        LinewatchConfig a = parse(from);
        LinewatchConfig b = parse(to);
        return ReloadPlan.between(a, b, Pipeline.maxFrameAgeNanos(a, DAEMON), Pipeline.maxFrameAgeNanos(b, DAEMON),
                modelFilesChanged);
    }

    private static ReloadPlan changed(String from, String to) throws Exception {
        if (!RUNNING.contains(from)) {
            throw new IllegalArgumentException("the running config has no '" + from + "'");
        }
        return plan(RUNNING, RUNNING.replace(from, to));
    }

    @Test
    void theSameConfigChangesNothing() throws Exception {
        ReloadPlan p = plan(RUNNING, RUNNING);
        assertThat(p.needsRestart()).isFalse();
        assertThat(p.summary(parse(RUNNING))).isEqualTo("nothing changed");
    }

    @Test
    void aCamerasCountingLinesChangedRestartsTheDaemonSoTheLinesAreTaken() throws Exception {
        ReloadPlan p = changed("    loop: true\n", "    loop: true\n    counters:\n      - {name: end, line: [[1, 0], [1, 9]]}\n");
        assertThat(p.needsRestart()).isTrue();
        assertThat(p.restartReasons()).containsExactly("camera belt: counting lines changed");
    }

    @Test
    void alarmRulesChangeInPlace() throws Exception {
        ReloadPlan threshold = changed("min_confidence: 0.99", "min_confidence: 0.3");
        assertThat(threshold.needsRestart()).isFalse();
        assertThat(threshold.camerasToRestart()).isEmpty();
        assertThat(threshold.ruleChanges()).containsExactly("alarms changed fo");

        ReloadPlan addedAndRemoved = changed("  - name: product-jam", "  - name: product-stuck");
        assertThat(addedAndRemoved.needsRestart()).isFalse();
        assertThat(addedAndRemoved.ruleChanges()).containsExactly("alarms added product-stuck; removed product-jam");

        ReloadPlan zone = changed("    min_confidence: 0.99\n", "    min_confidence: 0.99\n    zone: [[0, 0], [10, 0], [10, 10]]\n");
        assertThat(zone.ruleChanges()).containsExactly("alarms changed fo");
    }

    @Test
    void aChangedSourceOrLiveKeyRestartsOnlyThatCamera() throws Exception {
        ReloadPlan source = changed("/clips/belt.mp4", "/clips/belt-2.mp4");
        assertThat(source.needsRestart()).isFalse();
        assertThat(source.camerasToRestart()).containsExactly(0);
        assertThat(source.summary(parse(RUNNING))).isEqualTo("capture restarted for camera(s) [belt]");

        ReloadPlan liveKey = changed("rtsp://10.0.0.5/stream\n", "rtsp://10.0.0.5/stream\n    stall_timeout_ms: 9000\n");
        assertThat(liveKey.camerasToRestart()).containsExactly(1);
        assertThat(changed("    loop: true\n", "    loop: false\n").camerasToRestart()).containsExactly(0);
    }

    @Test
    void whatTheLanesAreBuiltFromNeedsARestart() throws Exception {
        assertThat(changed("classes: [product, foreign_object]", "classes: [product, foreign_object]\n    batch_size: 8")
                .restartReasons()).containsExactly("model det changed");
        assertThat(plan(RUNNING, RUNNING, Set.of("det")).restartReasons())
                .containsExactly("model det: its file changed on disk");
        assertThat(changed("site: plant1", "site: plant2").restartReasons()).containsExactly("site changed");
        assertThat(changed("logging:", "mqtt:\n  url: tcp://broker:1883\nlogging:").restartReasons())
                .containsExactly("mqtt changed");
        assertThat(changed("logging:", "http:\n  port: 9464\nlogging:").restartReasons()).containsExactly("http changed");
        assertThat(changed("logging:", "opcua:\n  enabled: true\nlogging:").restartReasons())
                .containsExactly("opcua changed");
        assertThat(changed("logging:", "pipeline:\n  ring_size: 64\nlogging:").restartReasons())
                .containsExactly("pipeline changed");
        assertThat(changed("  - id: dock", "  - id: gate").restartReasons())
                .containsExactly("cameras added [gate] removed [dock]");
        // realtime to fast: the file's frames get no age budget any more (Freshness is built with it)
        assertThat(changed("    loop: true\n", "    loop: true\n    pacing: fast\n").restartReasons())
                .containsExactly("camera belt: frame age budget changed (max_frame_age_ms or pacing)");
        // the inference gate is built with the lane, as Freshness is
        assertThat(changed("    loop: true\n", "    loop: true\n    infer_fps: 5\n").restartReasons())
                .containsExactly("camera belt: inference gate changed (infer_fps or motion_gate)");
        assertThat(changed("    loop: true\n", "    loop: true\n    motion_gate: {threshold: 3}\n").restartReasons())
                .containsExactly("camera belt: inference gate changed (infer_fps or motion_gate)");
    }

    @Test
    void aRestartChangesNothingInPlace() throws Exception {
        ReloadPlan p = plan(RUNNING, RUNNING.replace("site: plant1", "site: plant2")
                .replace("/clips/belt.mp4", "/clips/belt-2.mp4").replace("0.99", "0.3"));
        assertThat(p.needsRestart()).isTrue();
        assertThat(p.camerasToRestart()).isEmpty();
    }

    @Test
    void logLevelsChangeInPlace() throws Exception {
        ReloadPlan p = changed("level: info", "level: debug");
        assertThat(p.needsRestart()).isFalse();
        assertThat(p.loggingChanged()).isTrue();
        assertThat(p.summary(parse(RUNNING))).isEqualTo("log levels changed");
    }

    @Test
    void rulesWithTheSameSettingsAreKeptWithTheirStateOthersAreNew() throws Exception {
        LinewatchConfig a = parse(RUNNING);
        // The same rule, now also listing the other camera: on belt it does what it did.
        LinewatchConfig b = parse(RUNNING.replace("min_confidence: 0.99", "min_confidence: 0.99\n    cameras: [belt, dock]")
                .replace("raise_hits: 5", "raise_hits: 4"));
        AlarmRule[][] running = rules(a);
        AlarmRule[][] fresh = rules(b);
        AlarmRule[][] merged = ReloadPlan.keepUnchanged(running, fresh, List.of(0, 1), Set.of());
        assertThat(merged[0][0]).as("fo on belt: unchanged").isSameAs(running[0][0]);
        assertThat(merged[0][1]).as("product-jam: raise_hits changed").isNotSameAs(running[0][1]);
        assertThat(merged[1][0]).isSameAs(running[1][0]);

        AlarmRule[][] restarted = ReloadPlan.keepUnchanged(running, rules(a), List.of(0, 1), Set.of(0));
        assertThat(restarted[0][0]).as("a camera whose capture restarts starts afresh").isNotSameAs(running[0][0]);
        assertThat(restarted[1][0]).isSameAs(running[1][0]);
    }

    /** The rules of both cameras, as the pipeline builds them for the lane of model det. */
    private static AlarmRule[][] rules(LinewatchConfig c) {
        return TaskStages.laneRules(c, c.models().get("det"), List.of(0, 1));
    }
}
