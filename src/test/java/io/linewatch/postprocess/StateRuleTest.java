package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.StateAlarmConfig;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state rule's hysteresis, delays and cooldown in media time, on hand-made probabilities at 10 fps. */
class StateRuleTest {

    private static final List<String> STATES = List.of("normal", "foaming", "low_level", "discoloured");

    private final FrameEvent frame = new FrameEventFactory(1, 3, 1, new int[] {1}, 1).classification(2, 4).newInstance();

    /** Feeds one probability of foaming (the rest normal) per frame; returns "frame:RAISED" for each transition. */
    private List<String> feed(StateRule rule, double... foaming) {
        List<String> out = new ArrayList<>();
        frame.classes.setRegions(2);
        for (int f = 0; f < foaming.length; f++) {
            frame.mediaMicros = f * 100_000L;
            frame.classes.probabilities[4 + 1] = (float) foaming[f];
            frame.classes.probabilities[4] = 1 - (float) foaming[f];
            frame.classes.best[1] = foaming[f] > 0.5 ? 1 : 0;
            AlarmRule.Transition t = rule.onFrame(frame);
            if (t != AlarmRule.Transition.NONE) {
                out.add(f + ":" + t);
            }
        }
        return out;
    }

    private static double[] series(double... runs) {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < runs.length; i += 2) {
            for (int k = 0; k < runs[i + 1]; k++) {
                v.add(runs[i]);
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static StateRule rule(double cooldown) {
        return new StateRule(new StateAlarmConfig("foam", List.of("foaming"), null, null, 0.8, 1.0, 0.4, 2.0, cooldown),
                1, "glass_b", STATES);
    }

    @Test
    void raisesAfterTheOnDelayAndClearsAfterTheOffDelay() {
        // 10 frames low, 30 frames at 0.9 (raise at frame 10 + 10), 40 frames at 0.1 (clear at 40 + 20)
        assertThat(feed(rule(0), series(0.1, 10, 0.9, 30, 0.1, 40))).containsExactly("20:RAISED", "60:CLEARED");
    }

    @Test
    void aDipBelowRaiseAtRestartsTheOnDelay() {
        assertThat(feed(rule(0), series(0.9, 8, 0.7, 1, 0.9, 12))).containsExactly("19:RAISED");
    }

    @Test
    void hysteresisKeepsItRaisedBetweenClearAtAndRaiseAt() {
        // raised at 10; 0.5 is under raise_at but not under clear_at: stays raised
        assertThat(feed(rule(0), series(0.9, 15, 0.5, 50))).containsExactly("10:RAISED");
    }

    @Test
    void cooldownHoldsOffTheNextRaise() {
        // cleared at 35 (frame 15 + 20); foaming again from 36: raised at 46 without cooldown, at 35 + 100 with 10 s
        double[] s = series(0.9, 15, 0.1, 21, 0.9, 150);
        assertThat(feed(rule(0), s)).containsExactly("10:RAISED", "35:CLEARED", "46:RAISED");
        assertThat(feed(rule(10), s)).containsExactly("10:RAISED", "35:CLEARED", "135:RAISED");
    }

    @Test
    void theEventCarriesRegionStatesProbabilityAndPeak() {
        StateRule rule = rule(0);
        frame.classes.boxX[1] = 172;
        frame.classes.boxY[1] = 72;
        frame.classes.boxWidth[1] = 96;
        frame.classes.boxHeight[1] = 96;
        frame.classes.peakX[1] = 200.5f;
        frame.classes.peakY[1] = 110f;
        feed(rule, series(0.9, 11));
        AlarmEvent.StateDetail d = (AlarmEvent.StateDetail) rule.detail();
        assertThat(d.region()).isEqualTo("glass_b");
        assertThat(d.box()).containsExactly(172, 72, 268, 168);
        assertThat(d.states()).containsExactly("foaming");
        assertThat(d.probability()).isEqualTo(0.9f);
        assertThat(d.state()).isEqualTo("foaming");
        assertThat(d.peakX()).isEqualTo(200.5f);
    }
}
