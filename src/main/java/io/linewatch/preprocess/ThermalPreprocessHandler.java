package io.linewatch.preprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.config.ThermalModelConfig;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.ThermalCalibration;

/**
 * The preprocess stage of a thermal lane, on its own thread. Reads the slot's 16-bit counts, camera
 * and size; writes the slot's model input, one plane of normalised object temperature
 * {@code (T_obj - norm_offset_k) / norm_scale_k} computed from the counts by the camera's
 * calibration (never through 8 bits), letterboxed when the frame is not the model's size (the
 * border at the camera's reflected temperature, its surroundings), and the letterbox transform.
 * Skips frames an earlier stage failed on and drops what the lane's {@link Freshness} gate says is
 * stale. Each camera's count-to-input table (256 KiB) is built once, at construction.
 */
public final class ThermalPreprocessHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "preprocess";

    private final float[][] tableByCamera;
    private final float[] padByCamera;
    private final ThermalResampler resampler;
    private final Freshness freshness;

    /**
     * @param calibrations each camera's calibration by camera index, null for cameras of other lanes
     */
    public ThermalPreprocessHandler(int inputWidth, int inputHeight, ThermalModelConfig model,
                                    ThermalCalibration[] calibrations, Freshness freshness) {
        this.tableByCamera = new float[calibrations.length][];
        this.padByCamera = new float[calibrations.length];
        for (int i = 0; i < calibrations.length; i++) {
            if (calibrations[i] != null) {
                tableByCamera[i] = calibrations[i].normalisedTable(model.normOffsetK(), model.normScaleK());
                double surroundingsK = calibrations[i].config().reflectedC() + ThermalCalibration.ZERO_CELSIUS_K;
                padByCamera[i] = (float) ((surroundingsK - model.normOffsetK()) / model.normScaleK());
            }
        }
        this.resampler = new ThermalResampler(inputWidth, inputHeight);
        this.freshness = freshness;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (freshness.skipBeforePreprocess(event, sequence)) {
            return;
        }
        if (event.pixelFormat != FrameEvent.PixelFormat.GRAY16) {
            throw new IllegalStateException("camera " + event.cameraId + ": a thermal model needs 16-bit frames, got "
                    + event.pixelFormat);
        }
        int camera = event.cameraIndex;
        LetterboxGeometry g = resampler.apply(event.pixels, event.width, event.height, tableByCamera[camera],
                padByCamera[camera], event.input);
        event.letterboxScale = g.scale();
        event.padLeft = g.padLeft();
        event.padTop = g.padTop();
    }
}
