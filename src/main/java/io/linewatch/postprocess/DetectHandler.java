package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import java.util.List;

/**
 * The detect stage of one lane, on its own thread: decodes the slot's raw output, applies NMS, and
 * maps the kept boxes from model-input to source-frame pixels with the slot's letterbox. Reads the
 * slot's output, letterbox and size; writes the slot's detections.
 */
public final class DetectHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "detect";

    private final YoloDecoder decoder;
    private final Nms nms;
    private final float[] classThresholds;
    private final Detections candidates;
    private final List<CameraStats> stats;

    public DetectHandler(YoloDecoder decoder, Nms nms, float[] classThresholds, List<CameraStats> stats) {
        this.decoder = decoder;
        this.nms = nms;
        this.classThresholds = classThresholds.clone();
        this.candidates = new Detections(decoder.anchors());
        this.stats = stats;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        Detections kept = event.detections;
        kept.clear();
        if (event.skipped()) {
            return;
        }
        candidates.clear();
        decoder.decode(event.output, classThresholds, candidates);
        nms.apply(candidates, kept);
        toSource(event, kept);
        stats.get(event.cameraIndex).detections.addAndGet(kept.count());
    }

    /** Undoes the letterbox: {@code source = (input - pad) / scale}, clipped to the frame. */
    static void toSource(FrameEvent e, Detections d) {
        float inv = 1f / e.letterboxScale;
        for (int i = 0; i < d.count(); i++) {
            d.x1[i] = clip((d.x1[i] - e.padLeft) * inv, e.width);
            d.y1[i] = clip((d.y1[i] - e.padTop) * inv, e.height);
            d.x2[i] = clip((d.x2[i] - e.padLeft) * inv, e.width);
            d.y2[i] = clip((d.y2[i] - e.padTop) * inv, e.height);
        }
    }

    private static float clip(float v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }
}
