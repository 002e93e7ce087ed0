package io.linewatch.postprocess;

import static io.linewatch.postprocess.AlarmRule.Transition.NONE;
import static io.linewatch.postprocess.AlarmRule.Transition.RAISED;
import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.DefectAlarmConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.DefectRegions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefectRuleTest {

    private static final List<String> CLASSES = List.of("scratch", "stain", "dent", "crack");
    private static final int SCRATCH = 0;
    private static final int STAIN = 1;
    private static final long FRAME_MICROS = 100_000;

    private static DefectRule rule(String cls, double minAreaMm2, int minCount, int raise, int clear, double cooldown) {
        DefectAlarmConfig c = new DefectAlarmConfig("r", cls, List.of(), minAreaMm2, minCount, raise, clear, cooldown);
        return new DefectRule(c, cls == null ? DefectRule.ANY_CLASS : CLASSES.indexOf(cls), CLASSES, 8);
    }

    private static DefectRegions regions(int... classAndMm2) {
        DefectRegions d = new DefectRegions(8);
        for (int i = 0; i + 1 < classAndMm2.length; i += 2) {
            float mm2 = classAndMm2[i + 1];
            d.add(classAndMm2[i], mm2 * 4, mm2, 10 * i, 20, 10 * i + 8, 30, 0.8f);
        }
        return d;
    }

    /** Feeds a pattern: 'x' a frame with one 10 mm^2 scratch, '.' a frame without; returns the transitions. */
    private static List<String> feed(DefectRule rule, String pattern, long startFrame) {
        List<String> out = new ArrayList<>();
        DefectRegions hit = regions(SCRATCH, 10);
        DefectRegions none = regions();
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
    void raisesAfterRaiseFramesHitsInARow() {
        assertThat(feed(rule("scratch", 0, 1, 3, 5, 0), "xx.xx.xxx", 0)).containsExactly("RAISED@8");
        assertThat(feed(rule("scratch", 0, 1, 1, 5, 0), "..x", 0)).containsExactly("RAISED@2");
    }

    @Test
    void clearsAfterClearFramesWithoutAHitAndRaisesOncePerEpisode() {
        DefectRule r = rule("scratch", 0, 1, 2, 3, 0);
        // raised at 1; gaps of 2 do not clear; the 3rd frame in a row without a hit (11) clears
        assertThat(feed(r, "xx..x..xx...", 0)).containsExactly("RAISED@1", "CLEARED@11");
        assertThat(r.raised()).isFalse();
        assertThat(feed(r, "xx", 12)).containsExactly("RAISED@13");
    }

    @Test
    void cooldownHoldsBackARaiseSoonAfterAClear() {
        DefectRule r = rule("scratch", 0, 1, 1, 2, 1.0); // 1 s = 10 frames
        // raised at 0, cleared at 2 (media 0.2 s), next raise once 1 s has passed: frame 12
        assertThat(feed(r, "x.." + "x".repeat(15), 0)).containsExactly("RAISED@0", "CLEARED@2", "RAISED@12");
    }

    @Test
    void onlyRegionsOfTheClassAndAtLeastTheAreaCount() {
        DefectRule r = rule("stain", 5, 1, 1, 2, 0);
        assertThat(r.onFrame(regions(SCRATCH, 50, STAIN, 4), 0)).isEqualTo(NONE);
        assertThat(r.onFrame(regions(SCRATCH, 50, STAIN, 5), FRAME_MICROS)).isEqualTo(RAISED);
    }

    @Test
    void minCountNeedsThatManyQualifyingRegionsInOneFrame() {
        DefectRule r = rule(null, 2, 3, 1, 2, 0);
        assertThat(r.onFrame(regions(SCRATCH, 9, STAIN, 9, STAIN, 1), 0)).isEqualTo(NONE);
        assertThat(r.onFrame(regions(SCRATCH, 9, STAIN, 9, 3, 2), FRAME_MICROS)).isEqualTo(RAISED);
    }

    @Test
    void theEventCarriesTheRegionsThatDecided() {
        DefectRule r = rule("stain", 3, 1, 1, 1, 0);
        assertThat(r.onFrame(regions(STAIN, 12, SCRATCH, 40, STAIN, 2, STAIN, 7), 0)).isEqualTo(RAISED);
        AlarmEvent.DefectDetail d = (AlarmEvent.DefectDetail) r.detail();
        assertThat(d.className()).isEqualTo("stain");
        assertThat(d.count()).isEqualTo(2);
        assertThat(d.regions()).extracting(AlarmEvent.DefectDetail.Region::areaMm2).containsExactly(12f, 7f);
        assertThat(d.regions()).extracting(AlarmEvent.DefectDetail.Region::className).containsOnly("stain");
        assertThat(d.regions().get(1).box()).containsExactly(60f, 20f, 68f, 30f);
        assertThat(d.regions().get(1).areaPx()).isEqualTo(28f);
        // A clear reports the last hit's regions.
        assertThat(r.onFrame(regions(), FRAME_MICROS)).isEqualTo(AlarmRule.Transition.CLEARED);
        assertThat(((AlarmEvent.DefectDetail) r.detail()).count()).isEqualTo(2);
    }

    /** A reload keeps a rule (and its state) whose settings on the camera are equal; the camera list does not count. */
    @Test
    void settingsLeaveOutTheCameraListButNothingElse() {
        DefectAlarmConfig a = new DefectAlarmConfig("r", "stain", List.of("one"), 3.0, 1, 2, 5, 0.0);
        DefectAlarmConfig sameOnAnother = new DefectAlarmConfig("r", "stain", List.of("one", "two"), 3.0, 1, 2, 5, 0.0);
        DefectAlarmConfig larger = new DefectAlarmConfig("r", "stain", List.of("one"), 4.0, 1, 2, 5, 0.0);
        assertThat(new DefectRule(a, STAIN, CLASSES, 8).settings())
                .isEqualTo(new DefectRule(sameOnAnother, STAIN, CLASSES, 8).settings())
                .isNotEqualTo(new DefectRule(larger, STAIN, CLASSES, 8).settings())
                .isNotEqualTo(new DefectRule(a, SCRATCH, CLASSES, 8).settings());
    }
}
