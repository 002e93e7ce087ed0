package io.linewatch.enginebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.config.AccuracyGateConfig;
import io.linewatch.pipeline.Detections;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The accuracy gate's arithmetic on hand-made outputs whose answers are worked out below. */
class AccuracyGateTest {

    private static final AccuracyGateConfig LIMITS = new AccuracyGateConfig(0.02, 0.02, 0.9, 0.5, 0.99, 0.5);

    private static Detections boxes(float[]... rows) {
        Detections d = new Detections(16);
        for (float[] r : rows) {
            d.add(r[0], r[1], r[2], r[3], r[4], (int) r[5]);
        }
        return d;
    }

    @Test
    void identicalOutputsAreAccepted() {
        AccuracyGate gate = new AccuracyGate();
        Detections same = boxes(new float[] {10, 10, 50, 50, 0.9f, 0}, new float[] {60, 10, 90, 40, 0.8f, 1});
        gate.addDetections(same, same);
        gate.frame();
        AccuracyGate.Report r = gate.report(LIMITS);
        assertThat(r.precision()).isEqualTo(1.0);
        assertThat(r.recall()).isEqualTo(1.0);
        assertThat(r.maskIou()).as("not measured").isNull();
        assertThat(r.temperatureMaeK()).isNull();
        assertThat(r.accepted()).isTrue();
        assertThat(r.lines()).containsExactly("validated on 1 frames against the FP32 reference (ONNX Runtime)",
                "detection precision 1.0000 (change +0.0000), recall 1.0000 (change +0.0000)", "accepted");
    }

    @Test
    void precisionAndRecallAgainstTheReference() {
        // Frame 1: reference A (class 0), B (class 1), C (class 0). Candidate: A slightly moved (IoU 0.82: a
        // match), B with the wrong class (no match), C moved by half its width (IoU 1/3: no match), and a box
        // the reference does not have. Frame 2: reference D; the candidate finds it twice, the better score
        // takes it. Matches 2 of 6 candidate boxes and 2 of 4 reference boxes.
        AccuracyGate gate = new AccuracyGate();
        gate.addDetections(
                boxes(new float[] {0, 0, 100, 100, 0.9f, 0}, new float[] {200, 0, 260, 60, 0.8f, 1},
                        new float[] {300, 300, 340, 340, 0.7f, 0}),
                boxes(new float[] {0, 0, 100, 90, 0.85f, 0}, new float[] {200, 0, 260, 60, 0.8f, 0},
                        new float[] {320, 300, 360, 340, 0.7f, 0}, new float[] {500, 500, 520, 520, 0.6f, 1}));
        gate.frame();
        gate.addDetections(boxes(new float[] {10, 10, 20, 20, 0.9f, 1}),
                boxes(new float[] {10, 10, 20, 21, 0.5f, 1}, new float[] {10, 10, 20, 20, 0.95f, 1}));
        gate.frame();
        AccuracyGate.Report r = gate.report(LIMITS);
        assertThat(r.frames()).isEqualTo(2);
        assertThat(r.precision()).isCloseTo(2 / 6.0, within(1e-12));
        assertThat(r.recall()).isCloseTo(2 / 4.0, within(1e-12));
        assertThat(r.accepted()).isFalse();
        assertThat(r.failures()).containsExactly("detection precision dropped by 0.6667 (limit 0.0200)",
                "detection recall dropped by 0.5000 (limit 0.0200)");
        assertThat(r.lines().get(r.lines().size() - 1)).startsWith("refused: detection precision dropped by 0.6667");
    }

    @Test
    void aDropExactlyAtTheLimitPassesAndJustAboveFails() {
        AccuracyGate gate = new AccuracyGate();
        // 50 reference boxes, the candidate finds 49 of them and nothing else: recall 0.98, precision 1.
        Detections reference = new Detections(64);
        Detections candidate = new Detections(64);
        for (int i = 0; i < 50; i++) {
            reference.add(i * 20, 0, i * 20 + 10, 10, 0.9f, 0);
            if (i > 0) {
                candidate.add(i * 20, 0, i * 20 + 10, 10, 0.9f, 0);
            }
        }
        gate.addDetections(reference, candidate);
        gate.frame();
        assertThat(gate.report(new AccuracyGateConfig(0.0, 0.02, 0.9, 0.5, null, null)).accepted()).isTrue();
        assertThat(gate.report(new AccuracyGateConfig(0.0, 0.019, 0.9, 0.5, null, null)).failures())
                .containsExactly("detection recall dropped by 0.0200 (limit 0.0190)");
    }

    @Test
    void maskIouIsPooledOverFramesOnTheForegroundOfAnyClass() {
        // Two classes of 4 pixels. Frame 1 foreground: reference {0, 1} (pixel 1 via class 1), candidate {1, 2}.
        // Frame 2: both {3}. Pooled: intersection 2 (pixel 1, pixel 3), union 4 -> IoU 0.5.
        AccuracyGate gate = new AccuracyGate();
        gate.addMasks(floats(0.9f, 0.1f, 0.1f, 0.1f, 0.1f, 0.7f, 0.2f, 0.1f),
                floats(0.4f, 0.6f, 0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f), 2, 4, 0.5f);
        gate.frame();
        gate.addMasks(floats(0, 0, 0, 0.5f, 0, 0, 0, 0), floats(0, 0, 0, 0, 0, 0, 0, 0.99f), 2, 4, 0.5f);
        gate.frame();
        AccuracyGate.Report r = gate.report(LIMITS);
        assertThat(r.maskIou()).isEqualTo(0.5);
        assertThat(r.precision()).isNull();
        assertThat(r.failures()).containsExactly("mask IoU 0.5000 is below 0.9000");
        assertThat(r.lines()).contains("mask IoU 0.5000");
    }

    @Test
    void temperatureMaeIsInKelvin() {
        // Normalised temperatures (kelvin = v * 100 + 273.15): errors 0.002, 0.004, 0 and 0.006 -> 0.2, 0.4,
        // 0 and 0.6 K -> MAE 0.3 K.
        AccuracyGate gate = new AccuracyGate();
        gate.addTemperatures(floats(0.5f, 0.3f), floats(0.502f, 0.296f), 2, 100);
        gate.addTemperatures(floats(0.25f, 0.8f), floats(0.25f, 0.806f), 2, 100);
        gate.frame();
        AccuracyGate.Report r = gate.report(LIMITS);
        assertThat(r.temperatureMaeK()).isCloseTo(0.3, within(1e-4));
        assertThat(r.accepted()).isTrue();
        assertThat(gate.report(new AccuracyGateConfig(null, null, null, 0.25, null, null)).failures())
                .containsExactly("temperature MAE 0.300 K is above 0.250 K");
    }

    @Test
    void classifierScoresAreJudgedByTopOneAgreementAndTheLargestLogitDifference() {
        // Four images of three states. Image 1: same top state (0), scores off by 0.1 at most. Image 2:
        // top state 2 on both, off by 0.25. Image 3: the reference's top is state 1 (3.0 against 2.9), the
        // candidate's state 2 (2.8 against 3.05): a flip, off by 0.2. Image 4 (in the second half of one
        // buffer, offset 3): identical. Agreement 3 of 4, largest difference 0.25.
        AccuracyGate gate = new AccuracyGate();
        gate.addScores(floats(2.0f, 1.0f, 0.5f), floats(2.1f, 0.95f, 0.5f), 0, 3);
        gate.addScores(floats(0.0f, 1.0f, 4.0f), floats(0.0f, 1.25f, 4.0f), 0, 3);
        gate.frame();
        gate.addScores(floats(0.5f, 3.0f, 2.9f), floats(0.5f, 2.8f, 3.05f), 0, 3);
        gate.addScores(floats(9f, 9f, 9f, 1.0f, -2.0f, 0.5f), floats(0f, 0f, 0f, 1.0f, -2.0f, 0.5f), 3, 3);
        gate.frame();
        AccuracyGate.Report r = gate.report(new AccuracyGateConfig(null, null, null, null, 0.75, 0.25));
        assertThat(r.images()).isEqualTo(4);
        assertThat(r.top1Agreement()).isEqualTo(0.75);
        assertThat(r.maxLogitDiff()).isCloseTo(0.25, within(1e-6));
        assertThat(r.precision()).as("not measured").isNull();
        assertThat(r.accepted()).as("both exactly at their limits").isTrue();
        assertThat(r.lines()).contains("classification top-1 agreement 0.7500 on 4 images, max logit difference 0.2500");
        assertThat(gate.report(LIMITS).failures()).containsExactly(
                "classification top-1 agreement 0.7500 is below 0.9900 (3 of 4 images)");
        assertThat(gate.report(new AccuracyGateConfig(null, null, null, null, 0.5, 0.2)).failures())
                .containsExactly("max logit difference 0.2500 is above 0.2000");
    }

    @Test
    void aScoreThatIsNotANumberIsRefused() {
        AccuracyGate gate = new AccuracyGate();
        gate.addScores(floats(2.0f, 1.0f), floats(2.0f, Float.NaN), 0, 2);
        gate.frame();
        AccuracyGate.Report r = gate.report(LIMITS);
        assertThat(r.top1Agreement()).isEqualTo(1.0);
        assertThat(r.failures()).containsExactly("max logit difference Infinity is above 0.5000");
    }

    @Test
    void nothingComparedIsRefused() {
        assertThat(new AccuracyGate().report(LIMITS).failures()).containsExactly("no frames were compared");
    }

    private static FloatBuffer floats(float... v) {
        return FloatBuffer.wrap(v);
    }
}
