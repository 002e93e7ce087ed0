package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.Detections;
import io.linewatch.pipeline.FrameEvent;
import java.util.List;

/**
 * The segment stage of an inspection lane whose model is an Ultralytics instance segmentation
 * export ({@code yolov8_seg}), on its own thread: each instance that survives the score thresholds
 * and NMS is one defect region, its area the pixels of its mask ({@link InstanceMasks}, at
 * prototype resolution, scaled to model pixels), its box the instance's box, its probability the
 * instance's score. Regions below {@code min_area_px} are dropped; the largest are kept, largest
 * first, and mapped to source pixels as {@link SegmentHandler} does. Reads the slot's two outputs,
 * letterbox, size and camera; writes the slot's {@link FrameEvent#defects}. Allocates nothing per frame.
 */
public final class InstanceSegmentHandler implements EventHandler<FrameEvent> {

    public static final String NAME = SegmentHandler.NAME;

    private final YoloDecoder decoder;
    private final Nms nms;
    private final float[] classThresholds;
    private final InstanceMasks masks;
    private final int prototypes;
    private final float inputWidth;
    private final float inputHeight;
    private final float modelPixelsPerMaskPixel;
    private final float minAreaPx;
    private final float[] mmPerPixelByCamera;
    private final List<CameraStats> stats;
    private final Detections candidates;
    private final Detections kept;
    private final DefectRegions found;
    private final boolean[] taken;
    private final byte[] mask;

    /**
     * @param prototypes         index of the prototypes among the slot's outputs (the boxes are output 0)
     * @param minAreaPx          smallest region kept, in model-input pixels
     * @param maxRegions         most regions kept per frame
     * @param mmPerPixelByCamera each camera's surface scale, by camera index
     */
    public InstanceSegmentHandler(YoloDecoder decoder, Nms nms, float[] classThresholds, InstanceMasks masks,
                                  int prototypes, int inputWidth, int inputHeight, int minAreaPx, int maxRegions,
                                  float[] mmPerPixelByCamera, List<CameraStats> stats) {
        this.decoder = decoder;
        this.nms = nms;
        this.classThresholds = classThresholds.clone();
        this.masks = masks;
        this.prototypes = prototypes;
        this.inputWidth = inputWidth;
        this.inputHeight = inputHeight;
        this.modelPixelsPerMaskPixel = (float) inputWidth * inputHeight / (masks.maskWidth() * masks.maskHeight());
        this.minAreaPx = minAreaPx;
        this.mmPerPixelByCamera = mmPerPixelByCamera.clone();
        this.stats = stats;
        this.candidates = new Detections(decoder.anchors());
        this.kept = new Detections(decoder.anchors());
        this.found = new DefectRegions(decoder.anchors());
        this.taken = new boolean[decoder.anchors()];
        this.mask = new byte[masks.maskWidth() * masks.maskHeight()];
        if (maxRegions < 1) {
            throw new IllegalArgumentException("maxRegions must be >= 1");
        }
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        DefectRegions regions = event.defects;
        regions.clear();
        if (event.skipped()) {
            return;
        }
        candidates.clear();
        decoder.decode(event.outputs[0], classThresholds, candidates);
        nms.apply(candidates, kept);
        findRegions(event);
        largestFirst(regions);
        SegmentHandler.toSource(event, regions, mmPerPixelByCamera[event.cameraIndex]);
        stats.get(event.cameraIndex).detections.addAndGet(regions.count());
    }

    /** One region per kept instance whose mask is at least {@code minAreaPx}, in model pixels. */
    private void findRegions(FrameEvent event) {
        found.clear();
        for (int k = 0; k < kept.count(); k++) {
            int area = masks.mask(event.outputs[0], event.outputs[prototypes], kept.anchor[k], kept.x1[k], kept.y1[k],
                    kept.x2[k], kept.y2[k], mask);
            float areaPx = area * modelPixelsPerMaskPixel;
            if (area == 0 || areaPx < minAreaPx) {
                continue;
            }
            found.add(kept.classId[k], areaPx, 0f, clip(kept.x1[k], inputWidth), clip(kept.y1[k], inputHeight),
                    clip(kept.x2[k], inputWidth), clip(kept.y2[k], inputHeight), kept.score[k]);
        }
    }

    /** The largest of the found regions into {@code regions}, largest first, as many as it holds. */
    private void largestFirst(DefectRegions regions) {
        int n = found.count();
        java.util.Arrays.fill(taken, 0, n, false);
        while (regions.count() < Math.min(n, regions.capacity())) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || found.areaPx[i] > found.areaPx[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            regions.addFrom(found, best);
        }
    }

    private static float clip(float v, float max) {
        return v < 0 ? 0 : Math.min(v, max);
    }
}
