package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.DefectRegions;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.preprocess.LetterboxGeometry;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Region geometry through a letterbox: mask pixels back to source pixels, areas and mm^2. */
class SegmentHandlerTest {

    private static final int W = 256;
    private static final int H = 192;
    private static final int CLASSES = 4;

    private final List<CameraStats> stats = List.of(new CameraStats("a"), new CameraStats("b"));

    private FrameEvent slot(int width, int height) {
        FrameEvent e = new FrameEventFactory(1, 3, 1, new int[] {1, CLASSES * H * W}, 1).withDefectRegions(8)
                .newInstance();
        LetterboxGeometry g = LetterboxGeometry.of(width, height, W, H);
        e.width = width;
        e.height = height;
        e.letterboxScale = g.scale();
        e.padLeft = g.padLeft();
        e.padTop = g.padTop();
        e.cameraIndex = 1;
        return e;
    }

    /** Sets class {@code c} to 0.95 over {@code [x1, x2) x [y1, y2)} of the mask (output 1). */
    private static void paint(FrameEvent e, int c, int x1, int y1, int x2, int y2) {
        FloatBuffer mask = e.outputs[1];
        for (int y = y1; y < y2; y++) {
            for (int x = x1; x < x2; x++) {
                mask.put(c * H * W + y * W + x, 0.95f);
            }
        }
    }

    private SegmentHandler handler(float mmPerPixelOfCameraB) {
        return new SegmentHandler(new DefectRegionFinder(CLASSES, H, W, 0.5f, 4, 8), 1, W, H,
                new float[] {1f, mmPerPixelOfCameraB}, stats);
    }

    @Test
    void aWideFrameLetterboxedWithBarsAboveAndBelowMapsBackToSourcePixels() {
        // 640x360 into 256x192: scale 0.4, content 256x144, 24 rows of pad above and below.
        FrameEvent e = slot(640, 360);
        assertThat(e.letterboxScale).isEqualTo(0.4f);
        assertThat(e.padTop).isEqualTo(24f);
        paint(e, 2, 40, 34, 60, 44);      // 20 x 10 mask pixels: a dent
        paint(e, 0, 100, 0, 120, 20);     // in the pad above the frame: ignored
        paint(e, 0, 100, 172, 120, 192);  // in the pad below: ignored
        handler(0.5f).onEvent(e, 0, true);
        DefectRegions d = e.defects;
        assertThat(d.count()).isEqualTo(1);
        assertThat(d.classId[0]).isEqualTo(2);
        // x: 40 / 0.4 = 100 .. 60 / 0.4 = 150; y: (34 - 24) / 0.4 = 25 .. (44 - 24) / 0.4 = 50
        assertThat(new float[] {d.x1[0], d.y1[0], d.x2[0], d.y2[0]}).containsExactly(new float[] {100, 25, 150, 50},
                within(1e-3f));
        // 200 mask pixels / 0.4^2 = 1250 source pixels; at 0.5 mm a pixel, 1250 * 0.25 = 312.5 mm^2
        assertThat(d.areaPx[0]).isCloseTo(1250f, within(0.01f));
        assertThat(d.areaMm2[0]).isCloseTo(312.5f, within(0.01f));
        assertThat(d.meanProbability[0]).isCloseTo(0.95f, within(1e-5f));
        assertThat(stats.get(1).detections.get()).isEqualTo(1);
    }

    @Test
    void theInspectionCamerasFrameIsScaledByTwoThirdsWithoutPadding() {
        // 384x288 into 256x192: scale 2/3 exactly, no pad. A region touching the frame's edge stays inside it.
        FrameEvent e = slot(384, 288);
        assertThat(e.padLeft).isZero();
        assertThat(e.padTop).isZero();
        paint(e, 3, 250, 100, 256, 104);  // 6 x 4 at the right edge: a crack
        handler(0.1f).onEvent(e, 0, true);
        DefectRegions d = e.defects;
        assertThat(d.count()).isEqualTo(1);
        assertThat(d.classId[0]).isEqualTo(3);
        assertThat(d.x1[0]).isCloseTo(375f, within(1e-3f));
        assertThat(d.x2[0]).isCloseTo(384f, within(1e-3f));
        assertThat(d.y1[0]).isCloseTo(150f, within(1e-3f));
        assertThat(d.y2[0]).isCloseTo(156f, within(1e-3f));
        assertThat(d.areaPx[0]).isCloseTo(24 * 2.25f, within(1e-3f));       // 24 mask px * (3/2)^2
        assertThat(d.areaMm2[0]).isCloseTo(24 * 2.25f * 0.01f, within(1e-4f)); // at 0.1 mm a pixel
    }

    @Test
    void aSkippedFrameHasNoRegions() {
        FrameEvent e = slot(384, 288);
        paint(e, 0, 10, 10, 20, 20);
        SegmentHandler h = handler(1f);
        h.onEvent(e, 0, true);
        assertThat(e.defects.count()).isEqualTo(1);
        e.dropped = true;
        h.onEvent(e, 1, true);
        assertThat(e.defects.count()).isZero();
    }
}
