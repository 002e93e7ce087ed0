package io.linewatch.postprocess;

import static io.linewatch.postprocess.AlarmRule.Transition.NONE;
import static io.linewatch.postprocess.AlarmRule.Transition.RAISED;
import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.Detections;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionRuleTest {

    private static final int FOREIGN = 1;
    private static final long FRAME_MICROS = 40_000;

    private static DetectionRule rule(int hits, int window, int clear, double cooldownSeconds, List<List<Double>> zone) {
        return new DetectionRule(new AlarmRuleConfig("fo", "foreign_object", 0.5, zone, List.of(), hits, window, clear,
                cooldownSeconds), FOREIGN);
    }

    /** Feeds a pattern: 'x' a frame with a hit, '.' a frame without; returns the transitions by frame. */
    private static List<String> feed(DetectionRule rule, String pattern, long startFrame) {
        List<String> out = new ArrayList<>();
        Detections hit = new Detections(4);
        hit.add(100, 100, 120, 120, 0.9f, FOREIGN);
        Detections none = new Detections(4);
        for (int i = 0; i < pattern.length(); i++) {
            long frame = startFrame + i;
            AlarmRule.Transition t = rule.onFrame(pattern.charAt(i) == 'x' ? hit : none, frame * FRAME_MICROS);
            if (t != NONE) {
                out.add(t + "@" + frame);
            }
        }
        return out;
    }

    @Test
    void raisesAfterNHitsInTheLastMFrames() {
        assertThat(feed(rule(3, 5, 10, 0, List.of()), "x.x.x", 0)).containsExactly("RAISED@4");
        assertThat(feed(rule(3, 5, 10, 0, List.of()), "x...x...x...x", 0)).isEmpty(); // never 3 within 5
        assertThat(feed(rule(1, 1, 10, 0, List.of()), "..x", 0)).containsExactly("RAISED@2");
    }

    @Test
    void clearsAfterKFramesWithoutAHitAndRaisesOnlyOncePerEpisode() {
        DetectionRule r = rule(2, 3, 4, 0, List.of());
        // raised at 1; gaps of 3 frames do not clear; the 4th frame in a row without a hit (13) clears
        assertThat(feed(r, "xx...x...x....", 0)).containsExactly("RAISED@1", "CLEARED@13");
        assertThat(r.raised()).isFalse();
    }

    @Test
    void cooldownHoldsBackARaiseSoonAfterAClear() {
        DetectionRule r = rule(1, 1, 2, 1.0, List.of()); // 1 s = 25 frames
        List<String> t = feed(r, "x.." + "x".repeat(30), 0);
        // raised at 0, cleared at 2 (media 80 ms), next raise once 1 s has passed: frame 27
        assertThat(t).containsExactly("RAISED@0", "CLEARED@2", "RAISED@27");
    }

    @Test
    void hitsBelowMinConfidenceOrOfOtherClassesDoNotCount() {
        DetectionRule r = rule(1, 1, 2, 0, List.of());
        Detections d = new Detections(4);
        d.add(0, 0, 10, 10, 0.49f, FOREIGN);
        d.add(0, 0, 10, 10, 0.99f, 0);
        assertThat(r.onFrame(d, 0)).isEqualTo(NONE);
        d.add(0, 0, 10, 10, 0.5f, FOREIGN);
        assertThat(r.onFrame(d, FRAME_MICROS)).isEqualTo(RAISED);
        assertThat(((AlarmEvent.DetectionDetail) r.detail()).score()).isEqualTo(0.5f);
    }

    @Test
    void zoneCountsOnlyBoxesWhoseCentreIsInside() {
        List<List<Double>> left = List.of(List.of(0.0, 0.0), List.of(50.0, 0.0), List.of(50.0, 50.0), List.of(0.0, 50.0));
        DetectionRule r = rule(1, 1, 2, 0, left);
        Detections outside = new Detections(2);
        outside.add(40, 40, 80, 80, 0.9f, FOREIGN); // centre (60, 60)
        assertThat(r.onFrame(outside, 0)).isEqualTo(NONE);
        Detections inside = new Detections(2);
        inside.add(30, 30, 60, 60, 0.9f, FOREIGN); // centre (45, 45)
        assertThat(r.onFrame(inside, FRAME_MICROS)).isEqualTo(RAISED);
        assertThat(((AlarmEvent.DetectionDetail) r.detail()).box()).containsExactly(30f, 30f, 60f, 60f);
    }

    @Test
    void polygonZoneHandlesConcaveShapes() {
        // An L shape: the notch at the top right is outside.
        PolygonZone l = new PolygonZone(List.of(List.of(0.0, 0.0), List.of(10.0, 0.0), List.of(10.0, 5.0),
                List.of(20.0, 5.0), List.of(20.0, 10.0), List.of(0.0, 10.0)));
        assertThat(l.contains(5, 5)).isTrue();
        assertThat(l.contains(15, 7)).isTrue();
        assertThat(l.contains(15, 2)).isFalse();
        assertThat(l.contains(25, 7)).isFalse();
        assertThat(new PolygonZone(List.of()).contains(1e6f, -1e6f)).isTrue();
    }
}
