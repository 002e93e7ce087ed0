package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.AlarmRuleConfig;
import io.linewatch.config.ModelConfig;
import io.linewatch.config.PreprocessConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.preprocess.LetterboxResampler;
import io.linewatch.preprocess.PreprocessHandler;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The detection stages allocate nothing per frame once warm: the letterbox preprocess, the YOLOv8
 * decode with per-class thresholds and NMS, and a detection rule, fed thousands of frames of a
 * 640x360 camera with a dozen boxes on this thread, measured by the JVM's per-thread allocation
 * counter.
 */
class DetectionStagesAllocationTest {

    private static final int INPUT_W = 384;
    private static final int INPUT_H = 224;
    private static final int ANCHORS = 1764;
    private static final int CLASSES = 2;

    @Test
    void preprocessDecodeNmsAndRuleAllocateNothingPerFrame() {
        allocateNothingPerFrame(FrameEvent.PixelFormat.BGR24);
    }

    /** The same from a 1920x1080 frame in I420 planes, as a detection camera's capture writes it. */
    @Test
    void fromI420PlanesTooAllocateNothingPerFrame() {
        allocateNothingPerFrame(FrameEvent.PixelFormat.I420);
    }

    private void allocateNothingPerFrame(FrameEvent.PixelFormat format) {
        int width = format == FrameEvent.PixelFormat.I420 ? 1920 : 640;
        int height = format == FrameEvent.PixelFormat.I420 ? 1080 : 360;
        List<CameraStats> stats = List.of(new CameraStats("conveyor"));
        PreprocessHandler preprocess = new PreprocessHandler(LetterboxResampler.of(INPUT_W, INPUT_H,
                new PreprocessConfig(null, null, null, null)), Freshness.unlimited(stats));
        YoloDecoder decoder = YoloDecoders.create(ModelConfig.Layout.YOLOV8, CLASSES, new long[] {4 + CLASSES, ANCHORS});
        DetectHandler detect = new DetectHandler(decoder, new Nms(0.45f, false, 100, decoder.anchors()),
                new float[] {0.25f, 0.3f}, stats);
        DetectionRule rule = new DetectionRule(new AlarmRuleConfig("fo", "foreign_object", 0.5, List.of(), List.of(), 3,
                5, 10, 0.0), 1);
        FrameEvent e = new FrameEventFactory(1, format.frameBytes(width, height), 3 * INPUT_W * INPUT_H,
                new int[] {(4 + CLASSES) * ANCHORS}, 100).newInstance();
        e.cameraId = "conveyor";
        e.width = width;
        e.height = height;
        e.pixelFormat = format;
        for (int i = 0; i < e.pixels.length; i++) {
            e.pixels[i] = (byte) (i * 31);
        }
        for (int box = 0; box < 12; box++) { // twelve boxes, two overlapping copies of each for NMS to merge
            for (int copy = 0; copy < 2; copy++) {
                int a = box * 100 + copy;
                put(e, 0, a, 30 + box * 28 + copy);
                put(e, 1, a, 60 + (box % 3) * 50);
                put(e, 2, a, 24);
                put(e, 3, a, 24);
                put(e, 4 + box % 2, a, 0.9f - copy * 0.1f);
            }
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int frames = 2000;
        long before = 0;
        int raised = 0;
        for (int f = 0; f < 2 * frames; f++) {
            if (f == frames) {
                before = threads.getThreadAllocatedBytes(thread);
            }
            e.mediaMicros = f * 40_000L;
            preprocess.onEvent(e, f, true);
            detect.onEvent(e, f, true);
            raised += rule.onFrame(e) == AlarmRule.Transition.RAISED ? 1 : 0;
        }
        long perFrame = (threads.getThreadAllocatedBytes(thread) - before) / frames;
        assertThat(e.detections.count()).as("NMS keeps one box of each pair").isEqualTo(12);
        assertThat(raised).as("the rule ran and raised").isEqualTo(1);
        assertThat(perFrame).as("bytes allocated per frame").isLessThan(16);
    }

    private static void put(FrameEvent e, int channel, int anchor, float value) {
        e.outputs[0].put(channel * ANCHORS + anchor, value);
    }
}
