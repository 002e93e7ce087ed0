package io.linewatch.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.config.ThermalCameraConfig;
import io.linewatch.config.ThermalModelConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.Freshness;
import io.linewatch.pipeline.ThermalCalibration;
import java.util.List;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Counts become the model's normalised object temperature, 16 bits all the way: copied through the
 * camera's table at the model's size, letterboxed bilinearly otherwise, the border at the
 * surroundings' temperature.
 */
class ThermalPreprocessTest {

    private static final int W = 160;
    private static final int H = 120;

    private static ThermalPreprocessHandler handler(double emissivity) {
        ThermalCalibration[] cals = {null, new ThermalCalibration(
                new ThermalCameraConfig(0.01, 0.0, emissivity, 20.0, null))};
        return new ThermalPreprocessHandler(W, H, ThermalModelConfig.defaults(), cals,
                Freshness.unlimited(List.of(new CameraStats("other"), new CameraStats("ir"))));
    }

    /** A slot of camera 1 holding a {@code width x height} frame whose counts {@code counts(x, y)} gives. */
    private static FrameEvent frame(int width, int height, IntBinaryOperator counts) {
        FrameEvent e = new FrameEventFactory(1, W * H * 2, W * H, new int[] {3, 4800}, 1).newInstance();
        e.cameraIndex = 1;
        e.cameraId = "ir";
        e.width = width;
        e.height = height;
        e.pixelFormat = FrameEvent.PixelFormat.GRAY16;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int c = counts.applyAsInt(x, y);
                e.pixels[2 * (y * width + x)] = (byte) c;
                e.pixels[2 * (y * width + x) + 1] = (byte) (c >> 8);
            }
        }
        return e;
    }

    @Test
    void aFrameOfTheModelsSizeGoesThroughTheTablePixelForPixel() {
        FrameEvent e = frame(W, H, (x, y) -> 29000 + 37 * x + 11 * y);
        e.pixels[0] = (byte) 0x30; // pixel (0, 0): 30000 counts
        e.pixels[1] = (byte) 0x75;
        handler(0.95).onEvent(e, 0, true);

        // 30000 counts, e = 0.95, surroundings 20 degC: T_obj = 300.34776 K (ThermalCalibrationTest),
        // n = (300.34776 - 273.15) / 100 = 0.2719776.
        assertThat(e.input.get(0)).isCloseTo(0.2719776f, within(1e-6f));
        float[] table = new ThermalCalibration(new ThermalCameraConfig(0.01, 0.0, 0.95, 20.0, null))
                .normalisedTable(273.15, 100);
        for (int i = 1; i < W * H; i++) {
            int counts = 29000 + 37 * (i % W) + 11 * (i / W);
            assertThat(e.input.get(i)).isEqualTo(table[counts]);
        }
        assertThat(e.letterboxScale).isEqualTo(1f);
        assertThat(e.padLeft).isZero();
        assertThat(e.padTop).isZero();
    }

    @Test
    void aSmallerFrameIsScaledUpBilinearly() {
        // 80x60 into 160x120: scale 2, no border. A ramp of 100 counts (1 K, e = 1) per column:
        // input column x samples source column (x + 0.5) / 2 - 0.5 (OpenCV INTER_LINEAR), so column 10
        // reads 4.75 columns in: 29000 + 475 counts = 294.75 K, n = (294.75 - 273.15) / 100 = 0.216.
        FrameEvent e = frame(80, 60, (x, y) -> 29000 + 100 * x);
        handler(1.0).onEvent(e, 0, true);
        assertThat(e.letterboxScale).isEqualTo(2f);
        assertThat(e.input.get(50 * W + 10)).isCloseTo(0.216f, within(1e-6f));
        // the first column clamps to the first source column: 290.00 K, n = 0.1685
        assertThat(e.input.get(50 * W)).isCloseTo(0.1685f, within(1e-6f));
        for (int y = 0; y < H; y++) {
            assertThat(e.input.get(y * W + 10)).isEqualTo(e.input.get(50 * W + 10));
        }
    }

    @Test
    void aWiderFrameIsLetterboxedWithTheSurroundingsAtTheBorder() {
        // 160x100 into 160x120: scale 1, 10 rows of border above and below at the reflected
        // temperature, 20 degC: n = 0.2; a constant frame of 31000 counts (310 K, e = 1): n = 0.3685.
        FrameEvent e = frame(160, 100, (x, y) -> 31000);
        handler(1.0).onEvent(e, 0, true);
        assertThat(e.padTop).isEqualTo(10f);
        assertThat(e.padLeft).isZero();
        for (int y = 0; y < H; y++) {
            float expected = y < 10 || y >= 110 ? 0.2f : 0.3685f;
            for (int x = 0; x < W; x += 31) {
                assertThat(e.input.get(y * W + x)).as("row %d", y).isCloseTo(expected, within(1e-6f));
            }
        }
    }

    @Test
    void aColourFrameInAThermalLaneFailsTheFrame() {
        FrameEvent e = frame(W, H, (x, y) -> 0);
        e.pixelFormat = FrameEvent.PixelFormat.BGR24;
        assertThatThrownBy(() -> handler(1.0).onEvent(e, 0, true)).isInstanceOf(IllegalStateException.class)
                .hasMessage("camera ir: a thermal model needs 16-bit frames, got BGR24");
    }
}
