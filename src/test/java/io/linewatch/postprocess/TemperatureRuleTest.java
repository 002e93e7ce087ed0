package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.config.TemperatureAlarmConfig;
import io.linewatch.config.TemperatureAlarmConfig.Measure;
import io.linewatch.config.ThermalCameraConfig;
import io.linewatch.config.ThermalCameraConfig.TemperatureUnit;
import io.linewatch.pipeline.AlarmEvent;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalResult;
import io.linewatch.postprocess.AlarmRule.Transition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Temperature rules on synthetic sequences: one test per behaviour, times in media seconds. */
class TemperatureRuleTest {

    private static final double K0 = ThermalCalibration.ZERO_CELSIUS_K;
    private static final ThermalCalibration CELSIUS = new ThermalCalibration(
            new ThermalCameraConfig(0.01, 0.0, 0.95, 20.0, TemperatureUnit.CELSIUS));

    private final ThermalResult frame = new ThermalResult(4);

    private static TemperatureAlarmConfig level(double raiseC, double clearC, double onS, double offS, double coolS) {
        return new TemperatureAlarmConfig("overheat", null, null, null, Measure.MAX, raiseC, clearC, null, null, onS,
                offS, coolS);
    }

    private static TemperatureAlarmConfig rate(double kPerMin, double windowS) {
        return new TemperatureAlarmConfig("heating", null, null, null, Measure.MAX, null, null, kPerMin, windowS, 0.0,
                0.0, 0.0);
    }

    private static TemperatureRule frameRule(TemperatureAlarmConfig c) {
        return new TemperatureRule(c, CELSIUS);
    }

    /** Feeds the whole-frame max (degC) at time t (s). */
    private Transition feed(TemperatureRule rule, double seconds, double maxC) {
        frame.maxK = (float) (maxC + K0);
        frame.avgK = (float) (maxC - 20 + K0);
        frame.minK = (float) (maxC - 30 + K0);
        return rule.onFrame(frame, Math.round(seconds * 1e6));
    }

    /** The transitions of a sequence of {seconds, degC} pairs, as "t:RAISED" strings. */
    private List<String> run(TemperatureRule rule, double[][] sequence) {
        List<String> out = new ArrayList<>();
        for (double[] s : sequence) {
            Transition t = feed(rule, s[0], s[1]);
            if (t != Transition.NONE) {
                out.add(s[0] + ":" + t);
            }
        }
        return out;
    }

    @Test
    void raisesAtTheLimitAndClearsOnlyBelowTheLowerOne() {
        TemperatureRule rule = frameRule(level(80, 70, 0, 0, 0));
        assertThat(run(rule, new double[][] {
            {0, 75}, {1, 79.9}, {2, 80.0}, {3, 85}, {4, 75}, {5, 70.0}, {6, 69.9}, {7, 79}, {8, 80.5}}))
                .containsExactly("2.0:RAISED", "6.0:CLEARED", "8.0:RAISED");
    }

    @Test
    void theOnDelayNeedsTheConditionToHoldThatLong() {
        TemperatureRule rule = frameRule(level(80, 70, 1.0, 0, 0));
        // Above from 1.0 s; a dip at 1.6 s starts the count again from 1.7 s: raised at 2.7 s.
        List<double[]> seq = new ArrayList<>();
        for (int i = 0; i <= 40; i++) {
            double t = i / 10.0;
            seq.add(new double[] {t, t >= 1.0 && i != 16 ? 82 : 60});
        }
        assertThat(run(rule, seq.toArray(double[][]::new))).containsExactly("2.7:RAISED");
    }

    @Test
    void theOffDelayNeedsTheClearConditionToHoldThatLong() {
        TemperatureRule rule = frameRule(level(80, 70, 0, 2.0, 0));
        // Raised at 0; below 70 from 5.0 s, but 75 (not below 70) at 5.5 s: clear counted from 5.6 s,
        // cleared at 7.6 s.
        List<double[]> seq = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            double t = i / 10.0;
            seq.add(new double[] {t, t < 5.0 ? 85 : i == 55 ? 75 : 65});
        }
        assertThat(run(rule, seq.toArray(double[][]::new))).containsExactly("0.0:RAISED", "7.6:CLEARED");
    }

    @Test
    void theCooldownHoldsBackARaiseAfterAClear() {
        TemperatureRule rule = frameRule(level(80, 70, 0, 0, 10.0));
        // Raised at 0, cleared at 1; hot again from 2 s: raised only when the cooldown ends at 11 s.
        List<double[]> seq = new ArrayList<>();
        for (int t = 0; t <= 14; t++) {
            seq.add(new double[] {t, t == 1 ? 60 : 90});
        }
        assertThat(run(rule, seq.toArray(double[][]::new))).containsExactly("0.0:RAISED", "1.0:CLEARED", "11.0:RAISED");
    }

    @Test
    void aFastRiseRaisesOnceTheWindowIsCoveredAndClearsWhenItSlows() {
        // 10 frames a second; 40 degC rising 2 K/s (120 K/min) from 0 to 10 s, then flat. The slope
        // is known from 5.1 s, when the sample at 0 s falls out of the 5 s window: 120 >= 90, raised.
        // Flat from 10 s: the least-squares slope of a window [t-5, t] holding a ramp up to 10 s and
        // the flat part after is below 90 K/min from about 11.5 s on.
        TemperatureRule rule = new TemperatureRule(rate(90, 5), CELSIUS);
        List<String> transitions = new ArrayList<>();
        double rateAtRaise = Double.NaN;
        for (int i = 0; i <= 200; i++) {
            double t = i / 10.0;
            Transition tr = feed(rule, t, 40 + 2 * Math.min(t, 10));
            if (tr == Transition.RAISED) {
                rateAtRaise = ((AlarmEvent.ThermalDetail) rule.detail()).rateKPerMin();
            }
            if (tr != Transition.NONE) {
                transitions.add(t + ":" + tr);
            }
        }
        assertThat(transitions).hasSize(2);
        assertThat(transitions.get(0)).isEqualTo("5.1:RAISED");
        assertThat(rateAtRaise).isCloseTo(120.0, within(1e-4)); // float readings
        double clearedAt = Double.parseDouble(transitions.get(1).split(":")[0]);
        assertThat(transitions.get(1)).endsWith(":CLEARED");
        assertThat(clearedAt).isBetween(11.0, 12.5);
    }

    @Test
    void aSlowOrNoisyTemperatureIsNoFastRise() {
        // 1 K/min for 10 minutes with +-0.5 K of alternating noise at 1 frame a second: the
        // least-squares slope stays near 1 K/min, far below 90, although single steps jump 1 K.
        TemperatureRule rule = new TemperatureRule(rate(90, 5), CELSIUS);
        for (int t = 0; t < 600; t++) {
            assertThat(feed(rule, t, 40 + t / 60.0 + (t % 2 == 0 ? 0.5 : -0.5))).isEqualTo(Transition.NONE);
        }
    }

    /** A 160x120 frame at 20 degC (e = 1: counts * 0.01 is the object temperature), in a slot. */
    private static FrameEvent slot() {
        FrameEvent e = new FrameEventFactory(1, 160 * 120 * 2, 1, new int[] {3, 1}, 1).thermal(4).newInstance();
        e.width = 160;
        e.height = 120;
        e.pixelFormat = FrameEvent.PixelFormat.GRAY16;
        for (int i = 0; i < 160 * 120; i++) {
            setCounts(e, i % 160, i / 160, 29315);
        }
        return e;
    }

    private static void setCounts(FrameEvent e, int x, int y, int counts) {
        e.pixels[2 * (y * e.width + x)] = (byte) counts;
        e.pixels[2 * (y * e.width + x) + 1] = (byte) (counts >> 8);
    }

    @Test
    void aZoneRuleMeasuresTheCalibratedPixelsInsideItsPolygon() {
        ThermalCalibration blackBody = new ThermalCalibration(new ThermalCameraConfig(0.01, 0.0, 1.0, 20.0, null));
        List<List<Double>> bearing = List.of(List.of(120.0, 55.0), List.of(135.0, 55.0), List.of(135.0, 70.0),
                List.of(120.0, 70.0));
        TemperatureRule rule = new TemperatureRule(new TemperatureAlarmConfig("bearing-hot", null, bearing, "bearing",
                Measure.MAX, 75.0, 70.0, null, null, 0.0, 0.0, 0.0), blackBody);
        FrameEvent e = slot();
        e.thermal.maxK = (float) (10 + K0); // the model's whole frame is cold: the zone's pixels decide
        setCounts(e, 130, 64, 35315);       // 80 degC, inside
        setCounts(e, 127, 61, 34315);       // 70 degC, inside
        setCounts(e, 140, 63, 36315);       // 90 degC, outside
        assertThat(rule.onFrame(e)).isEqualTo(Transition.RAISED);

        // Pixel centres x + 0.5 in (120, 135) and y + 0.5 in (55, 70): 15 x 15 = 225 pixels, two of
        // them hot: avg = 20 + (60 + 50) / 225 = 20.488889 degC.
        AlarmEvent.ThermalDetail d = (AlarmEvent.ThermalDetail) rule.detail();
        assertThat(d.zone()).isEqualTo("bearing");
        assertThat(d.polygon()).isEqualTo(bearing);
        assertThat(d.measure()).isEqualTo("max");
        assertThat(d.value()).isCloseTo(80, within(1e-3));
        assertThat(d.max()).isCloseTo(80, within(1e-3));
        assertThat(d.avg()).isCloseTo(20.488889, within(1e-3));
        assertThat(d.min()).isCloseTo(20, within(1e-3));
        assertThat(d.hotspotX()).isEqualTo(130.5f);
        assertThat(d.hotspotY()).isEqualTo(64.5f);

        FrameEvent small = slot();         // a frame the zone lies outside of: nothing is known
        small.width = 100;
        small.height = 50;
        small.mediaMicros = 100_000;
        assertThat(rule.onFrame(small)).isEqualTo(Transition.NONE);
        assertThat(rule.raised()).isTrue();
        FrameEvent cool = slot();
        cool.mediaMicros = 200_000;
        assertThat(rule.onFrame(cool)).isEqualTo(Transition.CLEARED);
    }

    @Test
    void theDetailIsInTheCamerasUnitWithTheHottestHotspot() {
        ThermalCalibration kelvin = new ThermalCalibration(
                new ThermalCameraConfig(0.01, 0.0, 0.95, 20.0, TemperatureUnit.KELVIN));
        TemperatureRule rule = new TemperatureRule(level(80, 70, 0, 0, 0), kelvin);
        frame.offerHotspot(10, 20, 0.9f);
        frame.offerHotspot(30, 40, 0.5f);
        frame.hotspotPeakK[0] = 340;
        frame.hotspotPeakK[1] = 360; // less sure, but hotter: the one the event points at
        assertThat(feed(rule, 0, 90)).isEqualTo(Transition.RAISED);
        AlarmEvent.ThermalDetail d = (AlarmEvent.ThermalDetail) rule.detail();
        assertThat(d.unit()).isEqualTo("kelvin");
        assertThat(d.zone()).isEqualTo("frame");
        assertThat(d.polygon()).isEmpty();
        assertThat(d.value()).isCloseTo(90 + K0, within(1e-3));
        assertThat(d.avg()).isCloseTo(70 + K0, within(1e-3));
        assertThat(d.min()).isCloseTo(60 + K0, within(1e-3));
        assertThat(d.hotspotX()).isEqualTo(30f);
        assertThat(d.hotspotY()).isEqualTo(40f);
        assertThat(d.rateKPerMin()).isNaN();
        assertThat(d.calibration().emissivity()).isEqualTo(0.95);

        frame.clearHotspots(); // no hotspot: the frame's hottest pixel
        frame.pixelMaxX = 7.5f;
        frame.pixelMaxY = 8.5f;
        TemperatureRule celsius = frameRule(level(80, 70, 0, 0, 0));
        assertThat(feed(celsius, 0, 90)).isEqualTo(Transition.RAISED);
        d = (AlarmEvent.ThermalDetail) celsius.detail();
        assertThat(d.value()).isCloseTo(90, within(1e-3));
        assertThat(d.unit()).isEqualTo("celsius");
        assertThat(d.hotspotX()).isEqualTo(7.5f);
    }
}
