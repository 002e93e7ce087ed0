package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.config.ThermalCameraConfig;
import io.linewatch.config.ThermalModelConfig;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.ThermalCalibration;
import io.linewatch.pipeline.ThermalResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The thermal decode stage against hand-worked heat maps and frames: model temperatures back to
 * kelvin, hotspots at the refined centroid in source pixels with their peak temperature, the frame's
 * extremes; and the outputs found by name, or a clear refusal.
 */
class ThermalDecodeTest {

    private static final int W = 160;
    private static final int H = 120;
    private static final ThermalHeads HEADS = ThermalHeads.find(List.of("temps", "heatmap"),
            List.of(new long[] {3}, new long[] {1, 60, 80}), W, H);
    /** e = 1: counts * 0.01 is the object temperature; 29315 counts = 293.15 K = 20 degC. */
    private static final ThermalCalibration CAL = new ThermalCalibration(
            new ThermalCameraConfig(0.01, 0.0, 1.0, 20.0, null));

    private static FrameEvent slot(int maxHotspots) {
        FrameEvent e = new FrameEventFactory(1, W * H * 2, W * H, new int[] {3, 4800}, 1)
                .thermal(maxHotspots).newInstance();
        e.cameraIndex = 0;
        e.cameraId = "ir";
        e.width = W;
        e.height = H;
        e.pixelFormat = FrameEvent.PixelFormat.GRAY16;
        e.letterboxScale = 1f;
        for (int i = 0; i < W * H; i++) {
            setCounts(e, i % W, i / W, 29315);
        }
        e.outputs[0].put(0, 0.5f).put(1, 0.25f).put(2, 0.1f);
        return e;
    }

    private static void setCounts(FrameEvent e, int x, int y, int counts) {
        int i = 2 * (y * e.width + x);
        e.pixels[i] = (byte) counts;
        e.pixels[i + 1] = (byte) (counts >> 8);
    }

    private static void heat(FrameEvent e, int i, int j, float p) {
        e.outputs[1].put(i * 80 + j, p);
    }

    /**
     * A blob around cell (31, 64), a corner blob at cell (0, 0) and a peak under the threshold:
     * <pre>
     *            j=63  j=64  j=65
     *   i=30     0.1   0.2   0.1
     *   i=31     0.3   0.9   0.6       sum 2.6
     *   i=32     0.1   0.2   0.1
     * </pre>
     * j_ref = (0.5*63 + 1.3*64 + 0.8*65) / 2.6 = 166.7 / 2.6 = 64.115385, i_ref = (0.4*30 + 1.8*31
     * + 0.4*32) / 2.6 = 31; input pixel x = 2 * (64.115385 + 0.5) = 129.230769, y = 2 * 31.5 = 63.
     * The corner blob (0,0) 0.5, (0,1) 0.25, (1,0) 0.25 has its window clipped to the map: j_ref =
     * i_ref = 0.25 / 1.0, so x = y = 2 * 0.75 = 1.5.
     */
    private static void blobs(FrameEvent e) {
        float[][] window = {{0.1f, 0.2f, 0.1f}, {0.3f, 0.9f, 0.6f}, {0.1f, 0.2f, 0.1f}};
        for (int di = 0; di < 3; di++) {
            for (int dj = 0; dj < 3; dj++) {
                heat(e, 30 + di, 63 + dj, window[di][dj]);
            }
        }
        heat(e, 0, 0, 0.5f);
        heat(e, 0, 1, 0.25f);
        heat(e, 1, 0, 0.25f);
        heat(e, 50, 10, 0.29f);
    }

    private static ThermalDecodeHandler decoder(ThermalModelConfig model) {
        return new ThermalDecodeHandler(HEADS, model, new ThermalCalibration[] {CAL});
    }

    @Test
    void temperaturesHotspotsAndExtremes() {
        FrameEvent e = slot(8);
        blobs(e);
        setCounts(e, 130, 64, 35315);   // 353.15 K, inside the 5x5 around pixel (129, 63)
        setCounts(e, 127, 61, 34315);   // 343.15 K, inside it too
        setCounts(e, 140, 63, 36315);   // 363.15 K, the frame's hottest, outside it
        decoder(ThermalModelConfig.defaults()).onEvent(e, 0, true);

        ThermalResult r = e.thermal;
        // (v * 100) + 273.15
        assertThat(r.maxK).isCloseTo(323.15f, within(1e-3f));
        assertThat(r.avgK).isCloseTo(298.15f, within(1e-3f));
        assertThat(r.minK).isCloseTo(283.15f, within(1e-3f));
        assertThat(r.hotspotCount()).isEqualTo(2);
        assertThat(r.hotspotX[0]).isCloseTo(129.230769f, within(1e-4f));
        assertThat(r.hotspotY[0]).isCloseTo(63.0f, within(1e-4f));
        assertThat(r.hotspotScore[0]).isEqualTo(0.9f);
        assertThat(r.hotspotPeakK[0]).isCloseTo(353.15f, within(1e-3f));
        assertThat(r.hotspotX[1]).isCloseTo(1.5f, within(1e-5f));
        assertThat(r.hotspotY[1]).isCloseTo(1.5f, within(1e-5f));
        assertThat(r.hotspotPeakK[1]).isCloseTo(293.15f, within(1e-3f));
        assertThat(r.hottestHotspot()).isZero();
        assertThat(r.pixelMaxK).isCloseTo(363.15f, within(1e-3f));
        assertThat(r.pixelMinK).isCloseTo(293.15f, within(1e-3f));
        assertThat(r.pixelMaxX).isEqualTo(140.5f);
        assertThat(r.pixelMaxY).isEqualTo(63.5f);
    }

    @Test
    void maxHotspotsKeepsTheBestScoresAndTheThresholdIsTheConfigs() {
        FrameEvent e = slot(1);
        blobs(e);
        decoder(new ThermalModelConfig(null, null, 0.3, 1)).onEvent(e, 0, true);
        assertThat(e.thermal.hotspotCount()).isEqualTo(1);
        assertThat(e.thermal.hotspotScore[0]).isEqualTo(0.9f);

        FrameEvent low = slot(8);
        blobs(low);
        decoder(new ThermalModelConfig(null, null, 0.25, 8)).onEvent(low, 0, true);
        assertThat(low.thermal.hotspotCount()).isEqualTo(3);
        assertThat(low.thermal.hotspotScore[2]).isEqualTo(0.29f);
    }

    @Test
    void hotspotsAreMappedBackThroughTheLetterbox() {
        // An 80x60 frame scaled by 2 into the input: source = input / 2.
        FrameEvent e = slot(8);
        e.width = 80;
        e.height = 60;
        e.letterboxScale = 2f;
        blobs(e);
        decoder(ThermalModelConfig.defaults()).onEvent(e, 0, true);
        assertThat(e.thermal.hotspotX[0]).isCloseTo(129.230769f / 2, within(1e-4f));
        assertThat(e.thermal.hotspotY[0]).isCloseTo(31.5f, within(1e-4f));
    }

    @Test
    void outputsAreFoundByNameInAnyOrder() {
        ThermalHeads h = ThermalHeads.find(List.of("heatmap", "temps"), List.of(new long[] {1, 30, 40},
                new long[] {3}), 160, 120);
        assertThat(h).isEqualTo(new ThermalHeads(1, 0, 30, 40, 4));
    }

    @Test
    void aMissingOrMisshapedOutputIsRefusedInOneLine() {
        assertThatThrownBy(() -> ThermalHeads.find(List.of("temps"), List.of(new long[] {3}), 160, 120))
                .hasMessage("no output named 'heatmap'; a thermal model needs outputs temps [B,3] and heatmap"
                        + " [B,1,120/s,160/s] (it has temps [B,3])");
        assertThatThrownBy(() -> ThermalHeads.find(List.of("temps", "heatmap"),
                List.of(new long[] {2}, new long[] {1, 60, 80}), 160, 120))
                .hasMessageStartingWith("output 'temps' has shape [B,2]; a thermal model needs");
        assertThatThrownBy(() -> ThermalHeads.find(List.of("temps", "heatmap"),
                List.of(new long[] {3}, new long[] {1, 60, 79}), 160, 120))
                .hasMessageStartingWith("output 'heatmap' has shape [B,1,60,79]; a thermal model needs");
        assertThatThrownBy(() -> ThermalHeads.find(List.of("temps", "heatmap"),
                List.of(new long[] {3}, new long[] {2, 60, 80}), 160, 120))
                .hasMessageStartingWith("output 'heatmap' has shape [B,2,60,80]");
    }
}
