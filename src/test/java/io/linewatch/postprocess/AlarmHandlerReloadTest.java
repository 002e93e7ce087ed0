package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alarm stage takes new rules on its own thread (here: the test's, one frame at a time): a rule
 * it keeps keeps its state, a raised rule that goes is cleared at its camera's next frame, and rules
 * handed over for after a ring sequence wait for it.
 */
class AlarmHandlerReloadTest {

    private static final int FOREIGN = 1;

    private final List<CameraStats> stats = List.of(new CameraStats("belt"), new CameraStats("dock"));
    /** One ring slot, reused for every frame as the ring does. */
    private final FrameEvent slot = new FrameEventFactory(1, 3, 1, 1, 4).newInstance();
    private long sequence;
    private AlarmHandler handler;
    private DetectionRule fo;

    private static DetectionRule rule(String name, double minConfidence) {
        return new DetectionRule(new AlarmRuleConfig(name, "foreign_object", minConfidence, null, null, 1, 1, 3, 0.0),
                FOREIGN);
    }

    @BeforeEach
    void raiseOnBelt() {
        fo = rule("fo", 0.5);
        handler = new AlarmHandler(new Identity("plant1", "box1"), new AlarmRule[][] {{fo}, {}}, new long[2], stats);
        assertThat(frame(0, true)).containsExactly("RAISED fo");
    }

    /** Feeds one frame of camera {@code camera}, with or without a hit; returns its events. */
    private List<String> frame(int camera, boolean hit) {
        FrameEvent e = slot;
        e.cameraIndex = camera;
        e.cameraId = stats.get(camera).cameraId;
        e.mediaMicros = sequence * 40_000;
        e.detections.clear();
        if (hit) {
            e.detections.add(100, 100, 120, 120, 0.9f, FOREIGN);
        }
        handler.onEvent(e, sequence++, true);
        List<String> out = new ArrayList<>();
        for (AlarmEvent a : e.alarms) {
            out.add(a.type() + " " + a.rule());
        }
        return out;
    }

    @Test
    void aKeptRuleKeepsItsStateAndANewOneStartsAfresh() {
        DetectionRule added = rule("fo-strict", 0.8);
        handler.replaceRules(new AlarmRule[][] {{fo, added}, {}}, -1);
        assertThat(frame(0, true)).as("fo stays raised; the new rule raises on its own")
                .containsExactly("RAISED fo-strict");
        assertThat(frame(0, false)).isEmpty();
        assertThat(stats.get(0).alarmsRaised.get()).isEqualTo(2);
    }

    @Test
    void aRaisedRuleThatGoesIsClearedAtItsCamerasNextFrame() {
        DetectionRule changed = rule("fo", 0.3);
        handler.replaceRules(new AlarmRule[][] {{changed}, {}}, -1);
        assertThat(frame(1, true)).as("another camera's frame clears nothing").isEmpty();
        assertThat(frame(0, true)).as("the old fo is cleared, the changed fo raises afresh")
                .containsExactly("CLEARED fo", "RAISED fo");
        assertThat(frame(0, true)).isEmpty();

        handler.replaceRules(new AlarmRule[][] {{}, {}}, -1);
        assertThat(frame(0, true)).containsExactly("CLEARED fo");
        assertThat(frame(0, true)).as("cleared once").isEmpty();
        assertThat(stats.get(0).alarmsCleared.get()).isEqualTo(2);
    }

    @Test
    void aRuleThatGoesUnraisedGoesQuietly() {
        assertThat(frame(0, false)).isEmpty();
        assertThat(frame(0, false)).isEmpty();
        assertThat(frame(0, false)).containsExactly("CLEARED fo");
        handler.replaceRules(new AlarmRule[][] {{}, {}}, -1);
        assertThat(frame(0, true)).isEmpty();
    }

    @Test
    void rulesHandedOverForAfterASequenceWaitForIt() {
        handler.replaceRules(new AlarmRule[][] {{}, {}}, sequence + 1);
        assertThat(frame(0, true)).as("sequence not past yet: the old rules").isEmpty();
        assertThat(frame(0, true)).isEmpty();
        assertThat(frame(0, true)).as("now past: fo is gone").containsExactly("CLEARED fo");
    }

    @Test
    void aLaterHandOverReplacesOneNotYetTakenAndWaitsAsLongAsIt() {
        handler.replaceRules(new AlarmRule[][] {{}, {}}, sequence + 1);
        DetectionRule later = rule("fo-later", 0.5);
        handler.replaceRules(new AlarmRule[][] {{later}, {}}, -1);
        assertThat(frame(0, true)).as("still before the first hand-over's sequence").isEmpty();
        assertThat(frame(0, true)).isEmpty();
        assertThat(frame(0, true)).containsExactly("CLEARED fo", "RAISED fo-later");
    }
}
