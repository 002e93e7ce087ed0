package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.CounterConfig;
import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The track stage, a per-object rule and a counting line allocate nothing per frame once warm: 40
 * objects moving across the frame, each entering, crossing and leaving (so tracks start, get lost and
 * end all the time), with flickering scores, fed thousands of frames on this thread and measured by
 * the JVM's per-thread allocation counter. (The rule and the line follow every object but never fire
 * here: a transition or a count makes its event, which is allowed to allocate.)
 */
class TrackStageAllocationTest {

    @Test
    void trackingPerObjectRulesAndCountingAllocateNothingPerFrame() {
        int objects = 40;
        TrackHandler stage = new TrackHandler(TrackerConfig.defaults(), 100, 1, List.of(0));
        FrameEvent e = new FrameEventFactory(1, 3, 3, 6, 100).tracks(256).newInstance();
        ObjectRule rule = new ObjectRule(new AlarmRuleConfig("fo", "foreign_object", 0.5, null, null, 3, 5, 5, 0.0,
                AlarmRuleConfig.Per.OBJECT, 1_000_000, null), 1, 256);
        CounterConfig offFrame = new CounterConfig("far", List.of(List.of(5000.0, 0.0), List.of(5000.0, 900.0)),
                null, null);
        CountHandler counter = new CountHandler(List.of(new CameraConfig("cam", "x.mp4", "det", null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, List.of(offFrame))), List.of(0),
                List.of("product", "foreign_object"), List.of(new CameraStats("cam")), 256,
                (camera, name, time, counts, perMinute) -> { });
        AlarmRule.Transitions fired = (r, t, detail) -> {
            throw new AssertionError("no transition expected, got " + t);
        };
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int frames = 4000;
        long before = 0;
        long ended = 0;
        long confirmed = 0;
        for (int f = 0; f < 2 * frames; f++) {
            if (f == frames) {
                before = threads.getThreadAllocatedBytes(thread);
            }
            e.detections.clear();
            for (int o = 0; o < objects; o++) {
                float x = (f * (3 + o % 5) + o * 97) % 900 - 100; // wraps: leaves right, enters left
                float y = 20 + o * 14;
                float score = (f + o) % 17 == 0 ? 0.3f : 0.9f;
                if ((f + 3 * o) % 23 != 0) { // a missed detection now and then
                    e.detections.add(x, y, x + 40, y + 30, score, o % 2);
                }
            }
            e.mediaMicros = f * 40_000L;
            stage.onEvent(e, f, true);
            rule.onFrame(e, fired);
            counter.onEvent(e, f, true);
            if (f >= frames) {
                ended += e.tracks.endedCount();
                confirmed += e.tracks.id[0] > 0 ? 1 : 0;
            }
        }
        long perFrame = (threads.getThreadAllocatedBytes(thread) - before) / frames;
        System.out.println("track + per-object rule + counting line, 40 objects: " + perFrame + " bytes per frame");
        assertThat(ended).as("tracks ended while measured").isGreaterThan(50);
        assertThat(confirmed).as("frames whose first box had a confirmed track").isGreaterThan(frames / 2);
        assertThat(perFrame).as("bytes allocated per frame").isLessThan(16);
    }
}
