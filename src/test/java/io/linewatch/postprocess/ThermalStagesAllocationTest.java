package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.TemperatureAlarmConfig;
import io.linewatch.config.ThermalCameraConfig;
import io.linewatch.config.ThermalModelConfig;
import io.linewatch.config.Identity;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.RuleReadings;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalTrend;
import io.linewatch.preprocess.ThermalPreprocessHandler;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The thermal stages allocate nothing per frame once warm: preprocess, decode and the alarm stage
 * with a zone rule with a rate of rise, writing the rule's reading for OPC UA and Sparkplug, fed
 * thousands of frames on this thread, measured by the JVM's per-thread allocation counter.
 */
class ThermalStagesAllocationTest {

    @Test
    void preprocessDecodeAndRulesAllocateNothingPerFrame() throws Exception {
        ThermalCalibration[] cals = {new ThermalCalibration(new ThermalCameraConfig(0.01, 0.0, 0.95, 20.0, null))};
        ThermalModelConfig model = ThermalModelConfig.defaults();
        ThermalPreprocessHandler preprocess = new ThermalPreprocessHandler(160, 120, model, cals,
                Freshness.unlimited(List.of(new CameraStats("ir"))));
        List<List<Double>> points = List.of(List.of(20.0, 20.0), List.of(60.0, 20.0), List.of(60.0, 60.0));
        ThermalDecodeHandler decode = new ThermalDecodeHandler(ThermalHeads.find(List.of("temps", "heatmap"),
                List.of(new long[] {3}, new long[] {1, 60, 80}), 160, 120), model, cals);
        ThermalTrend trend = new ThermalTrend(1);
        TemperatureRule rule = new TemperatureRule(new TemperatureAlarmConfig("r", null, points, null, null, 80.0, 70.0,
                30.0, 5.0, 0.0, 0.0, 0.0), cals[0], trend.line(0, "r"));
        FrameEvent e = new FrameEventFactory(1, 160 * 120 * 2, 160 * 120, new int[] {3, 4800}, 1).thermal(8)
                .newInstance();
        e.cameraId = "ir";
        RuleReadings readings = new RuleReadings();
        AlarmHandler alarms = new AlarmHandler(new Identity("plant1", "box1"), new AlarmRule[][] {{rule}}, new long[1],
                List.of(new CameraStats("ir")), readings);
        e.width = 160;
        e.height = 120;
        e.pixelFormat = FrameEvent.PixelFormat.GRAY16;
        for (int i = 0; i < 160 * 120; i++) {
            int counts = 29500 + (i * 7) % 900;
            e.pixels[2 * i] = (byte) counts;
            e.pixels[2 * i + 1] = (byte) (counts >> 8);
        }
        for (int i = 0; i < 4800; i++) {
            e.outputs[1].put(i, (i * 37 % 101) / 100f); // many local maxima above the threshold
        }
        e.outputs[0].put(0, 0.3f).put(1, 0.25f).put(2, 0.2f);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int frames = 3000;
        long before = 0;
        for (int f = 0; f < 2 * frames; f++) {
            if (f == frames) {
                before = threads.getThreadAllocatedBytes(thread); // warm: the rule's window is full
            }
            e.mediaMicros = f * 111_111L;
            preprocess.onEvent(e, f, true);
            decode.onEvent(e, f, true);
            alarms.onEvent(e, f, true);
        }
        long perFrame = (threads.getThreadAllocatedBytes(thread) - before) / frames;
        assertThat(e.thermal.hotspotCount()).isEqualTo(8);
        assertThat(rule.valueK()).isGreaterThan(290);
        assertThat(perFrame).as("bytes allocated per frame").isLessThan(16);
        double[] reading = new double[4];
        assertThat(readings.get("ir", "r").read(reading)).as("frames the reading was written for").isEqualTo(2L * frames);
        assertThat(reading[0]).as("the rule's measure, degrees C").isCloseTo(rule.valueK() - 273.15,
                org.assertj.core.data.Offset.offset(0.006));
        assertThat(trend.lines()).as("the rule drew its zone's measure on its trend line").hasSize(1);
        assertThat(trend.lines().get(0).series().celsius()[0]).isGreaterThan(290 - 273.15f);
    }
}
