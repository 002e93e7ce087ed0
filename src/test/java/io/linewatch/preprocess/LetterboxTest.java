package io.linewatch.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class LetterboxTest {

    private static final double[] ZERO = {0, 0, 0};
    private static final double[] ONE = {1, 1, 1};

    @Test
    void geometryOfAWideFrameInAWideInput() {
        LetterboxGeometry g = LetterboxGeometry.of(640, 360, 384, 224);
        assertThat(g.scale()).isEqualTo(0.6f);
        assertThat(g.newWidth()).isEqualTo(384);
        assertThat(g.newHeight()).isEqualTo(216);
        assertThat(g.padLeft()).isZero();
        assertThat(g.padTop()).isEqualTo(4);
    }

    @Test
    void geometryOfPortraitAndSquareCases() {
        // 1080x1920 portrait into 640x640: scale 1/3, 360x640, 140 px each side.
        LetterboxGeometry portrait = LetterboxGeometry.of(1080, 1920, 640, 640);
        assertThat(portrait.newWidth()).isEqualTo(360);
        assertThat(portrait.newHeight()).isEqualTo(640);
        assertThat(portrait.padLeft()).isEqualTo(140);
        assertThat(portrait.padTop()).isZero();
        // 1280x720 into 640x640: 640x360, dh = 140 -> top 140 (Ultralytics: round(140 - 0.1)).
        LetterboxGeometry wide = LetterboxGeometry.of(1280, 720, 640, 640);
        assertThat(wide.padTop()).isEqualTo(140);
        // 100x50 into 64x64: 64x32, 16 rows of pad above and below.
        LetterboxGeometry odd = LetterboxGeometry.of(100, 50, 64, 64);
        assertThat(odd.newHeight()).isEqualTo(32);
        assertThat(odd.padTop()).isEqualTo(16);
    }

    @Test
    void sameSizeCopiesPixelsAndSwapsToRgbPlanes() {
        // 2x1 frame, BGR pixels (10,20,30) and (40,50,60); input 2x1, no scaling, no padding.
        byte[] bgr = {10, 20, 30, 40, 50, 60};
        FloatBuffer input = floats(6);
        LetterboxGeometry g = new LetterboxResampler(2, 1, 1.0, ZERO, ONE, 114).apply(bgr, 2, 1, input, 0);
        assertThat(g.scale()).isEqualTo(1f);
        assertThat(toArray(input)).containsExactly(30, 60, 20, 50, 10, 40); // R plane, G plane, B plane
    }

    @Test
    void upscaleUsesOpenCvPixelCentres() {
        // 2x1 grey frame [0, 100] into 4x2: scale 2. OpenCV INTER_LINEAR: x = (dx + 0.5) / 2 - 0.5
        // -> -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1): 0, 25, 75, 100 on both rows.
        byte[] bgr = {0, 0, 0, 100, 100, 100};
        FloatBuffer input = floats(3 * 8);
        new LetterboxResampler(4, 2, 1.0, ZERO, ONE, 114).apply(bgr, 2, 1, input, 0);
        float[] r = toArray(input);
        assertThat(r).startsWith(0f, 25f, 75f, 100f, 0f, 25f, 75f, 100f);
    }

    @Test
    void padsAroundTheImageWithThePadValueAndNormalises() {
        // 4x2 frame into a 4x4 input: scale 1, one pad row above and below.
        byte[] bgr = new byte[4 * 2 * 3];
        java.util.Arrays.fill(bgr, (byte) 200);
        FloatBuffer input = floats(3 * 16);
        double[] mean = {0.5, 0.5, 0.5};
        double[] std = {0.25, 0.25, 0.25};
        LetterboxGeometry g = new LetterboxResampler(4, 4, 1 / 255.0, mean, std, 114).apply(bgr, 4, 2, input, 0);
        assertThat(g.padTop()).isEqualTo(1);
        float pad = (float) ((114 / 255.0 - 0.5) / 0.25);
        float image = (float) ((200 / 255.0 - 0.5) / 0.25);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    float expected = (y == 0 || y == 3) ? pad : image;
                    assertThat(input.get(c * 16 + y * 4 + x)).isCloseTo(expected, within(1e-5f));
                }
            }
        }
    }

    @Test
    void aSmallerFrameAfterALargerOneLeavesNoStalePixels() {
        LetterboxResampler r = new LetterboxResampler(8, 8, 1.0, ZERO, ONE, 0);
        FloatBuffer input = floats(3 * 64);
        byte[] big = new byte[8 * 8 * 3];
        java.util.Arrays.fill(big, (byte) 255);
        r.apply(big, 8, 8, input, 0);
        byte[] wide = new byte[8 * 2 * 3];
        r.apply(wide, 8, 2, input, 0); // scale 1, 8x2 in the middle, pad rows of 0 around
        float sum = 0;
        for (float v : toArray(input)) {
            sum += v;
        }
        assertThat(sum).isZero();
    }

    static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static float[] toArray(FloatBuffer b) {
        float[] a = new float[b.capacity()];
        b.get(0, a);
        return a;
    }
}
