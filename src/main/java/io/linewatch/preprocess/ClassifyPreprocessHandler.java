package io.linewatch.preprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.ClassificationCameraConfig;
import io.linewatch.config.PreprocessConfig;
import io.linewatch.config.RegionConfig;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.Freshness;

/**
 * The preprocess stage of a classification lane, on its own thread. Reads the slot's BGR pixels and
 * size; writes the slot's model input: one image per region of the frame's camera (its configured
 * regions in order, or the whole frame), each cropped and stretched to the model's input, one after
 * the other, so the regions of a frame go to the engine in one batch. A region that reaches past
 * the frame fails the frame with a message naming camera, region and frame size. Skips and drops
 * frames as {@link PreprocessHandler} does.
 */
public final class ClassifyPreprocessHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "preprocess";

    private final ClassificationCameraConfig[] regions;
    private final RegionResampler[][] resamplers;
    private final int imageFloats;
    private final Freshness freshness;

    /**
     * @param regions each camera's regions, by camera index (null for cameras of other lanes)
     */
    public ClassifyPreprocessHandler(ClassificationCameraConfig[] regions, int inputWidth, int inputHeight,
                                     PreprocessConfig preprocess, Freshness freshness) {
        this.regions = regions.clone();
        this.resamplers = new RegionResampler[regions.length][];
        for (int i = 0; i < regions.length; i++) {
            if (regions[i] != null) {
                resamplers[i] = new RegionResampler[regions[i].imagesPerFrame()];
                for (int r = 0; r < resamplers[i].length; r++) {
                    resamplers[i][r] = RegionResampler.of(inputWidth, inputHeight, preprocess);
                }
            }
        }
        this.imageFloats = 3 * inputWidth * inputHeight;
        this.freshness = freshness;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (freshness.skipBeforePreprocess(event, sequence)) {
            return;
        }
        ClassificationCameraConfig camera = regions[event.cameraIndex];
        RegionResampler[] rs = resamplers[event.cameraIndex];
        if (camera.regions().isEmpty()) {
            rs[0].apply(event.pixels, event.width, 0, 0, event.width, event.height, event.input, 0);
            return;
        }
        for (int r = 0; r < rs.length; r++) {
            RegionConfig g = camera.regions().get(r);
            if (g.x() + g.width() > event.width || g.y() + g.height() > event.height) {
                throw new IllegalStateException("camera " + event.cameraId + ": region '" + g.name() + "' (x " + g.x()
                        + ", y " + g.y() + ", " + g.width() + "x" + g.height() + ") reaches past the " + event.width
                        + "x" + event.height + " frame");
            }
            rs[r].apply(event.pixels, event.width, g.x(), g.y(), g.width(), g.height(), event.input, r * imageFloats);
        }
    }
}
