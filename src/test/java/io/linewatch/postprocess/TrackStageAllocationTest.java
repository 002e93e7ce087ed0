package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.TrackerConfig;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The track stage allocates nothing per frame once warm: 40 objects moving across the frame, each
 * entering, crossing and leaving (so tracks start, get lost and end all the time), with flickering
 * scores, fed thousands of frames on this thread and measured by the JVM's per-thread allocation
 * counter.
 */
class TrackStageAllocationTest {

    @Test
    void trackingAllocatesNothingPerFrame() {
        int objects = 40;
        TrackHandler stage = new TrackHandler(TrackerConfig.defaults(), 100, 1, List.of(0));
        FrameEvent e = new FrameEventFactory(1, 3, 3, 6, 100).tracks(256).newInstance();
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
            stage.onEvent(e, f, true);
            if (f >= frames) {
                ended += e.tracks.endedCount();
                confirmed += e.tracks.id[0] > 0 ? 1 : 0;
            }
        }
        long perFrame = (threads.getThreadAllocatedBytes(thread) - before) / frames;
        assertThat(ended).as("tracks ended while measured").isGreaterThan(50);
        assertThat(confirmed).as("frames whose first box had a confirmed track").isGreaterThan(frames / 2);
        assertThat(perFrame).as("bytes allocated per frame").isLessThan(16);
    }
}
