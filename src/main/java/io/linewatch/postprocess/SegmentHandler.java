package io.linewatch.postprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.FrameEvent;
import java.util.List;

/**
 * The segment stage of one lane, on its own thread: finds the defect regions of the slot's mask
 * output ({@link DefectRegionFinder}, over the letterboxed frame only) and maps them from mask to
 * source pixels with the slot's letterbox: boxes {@code (x - pad) / scale}, areas {@code / scale^2},
 * and mm^2 by the camera's {@code mm_per_pixel}. Reads the slot's mask output, letterbox, size and
 * camera; writes the slot's {@link FrameEvent#defects}. The mask itself stays in the slot's output
 * for the snapshot and the regions log.
 */
public final class SegmentHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "segment";

    private final DefectRegionFinder finder;
    private final int maskOutput;
    private final int maskWidth;
    private final int maskHeight;
    private final float[] mmPerPixelByCamera;
    private final List<CameraStats> stats;

    /**
     * @param maskOutput         index of the mask among the slot's outputs
     * @param maskWidth          mask width, the model input's
     * @param maskHeight         mask height, the model input's
     * @param mmPerPixelByCamera each camera's surface scale, by camera index
     */
    public SegmentHandler(DefectRegionFinder finder, int maskOutput, int maskWidth, int maskHeight,
                          float[] mmPerPixelByCamera, List<CameraStats> stats) {
        this.finder = finder;
        this.maskOutput = maskOutput;
        this.maskWidth = maskWidth;
        this.maskHeight = maskHeight;
        this.mmPerPixelByCamera = mmPerPixelByCamera.clone();
        this.stats = stats;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        DefectRegions regions = event.defects;
        regions.clear();
        if (event.skipped()) {
            return;
        }
        float scale = event.letterboxScale;
        int right = Math.min(maskWidth, Math.round(event.padLeft + event.width * scale));
        int bottom = Math.min(maskHeight, Math.round(event.padTop + event.height * scale));
        finder.find(event.outputs[maskOutput], Math.round(event.padLeft), Math.round(event.padTop), right, bottom,
                regions);
        toSource(event, regions, mmPerPixelByCamera[event.cameraIndex]);
        stats.get(event.cameraIndex).detections.addAndGet(regions.count());
    }

    /** Mask pixels to source pixels, in place: the letterbox undone, boxes clipped to the frame. */
    static void toSource(FrameEvent e, DefectRegions d, float mmPerPixel) {
        float inv = 1f / e.letterboxScale;
        float squareMmPerMaskPixel = inv * inv * mmPerPixel * mmPerPixel;
        for (int i = 0; i < d.count(); i++) {
            d.areaMm2[i] = d.areaPx[i] * squareMmPerMaskPixel;
            d.areaPx[i] *= inv * inv;
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
