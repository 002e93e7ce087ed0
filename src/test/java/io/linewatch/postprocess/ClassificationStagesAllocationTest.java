package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.ClassificationCameraConfig;
import io.linewatch.config.PreprocessConfig;
import io.linewatch.config.RegionConfig;
import io.linewatch.config.StateAlarmConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.preprocess.ClassifyPreprocessHandler;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The classification stages allocate nothing per frame once warm: preprocess of two regions, the
 * classify stage (softmax, decided state with a hold, map peak) and a state rule per region, fed
 * thousands of frames on this thread whose most probable state changes now and then, measured by
 * the JVM's per-thread allocation counter.
 */
class ClassificationStagesAllocationTest {

    private static final List<String> STATES = List.of("normal", "foaming", "low_level", "discoloured");

    @Test
    void preprocessClassifyAndRulesAllocateNothingPerFrame() {
        ClassificationCameraConfig camera = new ClassificationCameraConfig(List.of(
                new RegionConfig("glass_a", 52, 72, 96, 96), new RegionConfig("glass_b", 172, 72, 96, 96)));
        ClassificationCameraConfig[] cameras = {camera};
        PreprocessConfig p = new PreprocessConfig(null, 1 / 255.0, List.of(0.485, 0.456, 0.406),
                List.of(0.229, 0.224, 0.225));
        ClassifyPreprocessHandler preprocess = new ClassifyPreprocessHandler(cameras, 64, 64, p,
                Freshness.unlimited(List.of(new CameraStats("reactor"))));
        ClassifyHandler classify = new ClassifyHandler(cameras, 4, 0, 1, 16, 16, 0.5);
        StateAlarmConfig foam = new StateAlarmConfig("foam", List.of("foaming"), null, null, 0.8, 1.0, 0.4, 2.0, null);
        StateRule[] rules = {new StateRule(foam, 0, "glass_a", STATES), new StateRule(foam, 1, "glass_b", STATES)};
        FrameEvent e = new FrameEventFactory(1, 320 * 240 * 3, 2 * 3 * 64 * 64, new int[] {2 * 4, 2 * 4 * 256}, 1)
                .classification(2, 4).newInstance();
        e.cameraId = "reactor";
        e.width = 320;
        e.height = 240;
        e.inferred = true;
        for (int i = 0; i < e.pixels.length; i++) {
            e.pixels[i] = (byte) (i * 31);
        }
        for (int i = 0; i < 2 * 4 * 256; i++) {
            e.outputs[1].put(i, (i * 37 % 101) / 10f);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int frames = 3000;
        long before = 0;
        int raised = 0;
        for (int f = 0; f < 2 * frames; f++) {
            if (f == frames) {
                before = threads.getThreadAllocatedBytes(thread);
            }
            e.mediaMicros = f * 100_000L;
            int state = (f / 50) % 2;   // 5 s normal, 5 s foaming: the rules raise and clear
            for (int r = 0; r < 2; r++) {
                for (int s = 0; s < 4; s++) {
                    e.outputs[0].put(r * 4 + s, s == state ? 4f : 0f);
                }
            }
            preprocess.onEvent(e, f, true);
            classify.onEvent(e, f, true);
            for (StateRule rule : rules) {
                if (rule.onFrame(e) == AlarmRule.Transition.RAISED && f < frames) {
                    raised++;
                }
            }
        }
        long perFrame = (threads.getThreadAllocatedBytes(thread) - before) / frames;
        assertThat(raised).as("raises while warming up").isGreaterThan(10);
        assertThat(e.classes.regions()).isEqualTo(2);
        assertThat(perFrame).as("bytes allocated per frame").isLessThan(16);
    }
}
