package io.linewatch.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.linewatch.capture.FileFrameSource;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.I420;
import io.linewatch.testing.ReferenceTensors;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

/**
 * The letterbox straight from a decoder's I420 planes against OpenCV's (cv2.cvtColor
 * COLOR_YUV2BGR_I420, then the training letterbox), recorded by
 * {@code models/training/make_yuv_reference.py}: the shipped 640x360 clip and a 1920x1080 H.264
 * source, decoded here by linewatch's own capture into I420 planes.
 */
class LetterboxYuvReferenceTest {

    @Test
    void planesConvertToOpenCvsBgrByteForByte() throws Exception {
        byte[] yuv = planes(Path.of("samples/conveyor.mp4"), 160, 640, 360);
        byte[] bgr = new byte[640 * 360 * 3];
        I420.toBgr(yuv, 640, 360, bgr);
        byte[] expected = bgrOf("yuv_conveyor_160_bgr.png");
        int differing = 0;
        for (int i = 0; i < bgr.length; i++) {
            differing += bgr[i] != expected[i] ? 1 : 0;
        }
        assertThat(differing).as("bytes differing from OpenCV's conversion").isZero();
    }

    @Test
    void letterboxFromPlanesMatchesOpenCvWithinOneGreyLevel() throws Exception {
        JsonNode images = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                ReferenceTensors.DIR.resolve("yuv_reference.json").toFile()).get("images");
        assertThat(images).hasSize(4);
        for (JsonNode image : images) {
            int w = image.get("width").asInt();
            int h = image.get("height").asInt();
            byte[] yuv = planes(Path.of(image.get("source").asText()), image.get("frame").asInt(), w, h);
            LetterboxResampler resampler = new LetterboxResampler(384, 224, 1 / 255.0, new double[3],
                    new double[] {1, 1, 1}, 114);
            FloatBuffer ours = LetterboxTest.floats(3 * 384 * 224);
            LetterboxGeometry g = resampler.applyI420(yuv, w, h, ours, 0);
            assertThat(g.scale()).isEqualTo((float) image.get("scale").asDouble());
            assertThat(g.padLeft()).isEqualTo(image.get("pad_left").asInt());
            assertThat(g.padTop()).isEqualTo(image.get("pad_top").asInt());
            byte[] reference = bgrOf(image.get("letterbox").asText());
            double maxDiff = 0;
            double sumDiff = 0;
            for (int y = 0; y < 224; y++) {
                for (int x = 0; x < 384; x++) {
                    for (int c = 0; c < 3; c++) { // ours: RGB planes; the PNG: packed BGR
                        double want = (reference[(y * 384 + x) * 3 + 2 - c] & 0xff) / 255.0;
                        double d = Math.abs(ours.get(c * 384 * 224 + y * 384 + x) - want);
                        maxDiff = Math.max(maxDiff, d);
                        sumDiff += d;
                    }
                }
            }
            String what = image.get("letterbox").asText();
            // OpenCV blends 8-bit pixels in 11-bit fixed point and rounds to 8 bits: at most one level apart.
            assertThat(maxDiff * 255).as(what + ": largest difference, grey levels").isLessThanOrEqualTo(1.01);
            assertThat(sumDiff / (3 * 384 * 224) * 255).as(what + ": mean difference, grey levels").isLessThan(0.5);
        }
    }

    /** Frame {@code index} of {@code clip} as linewatch's capture decodes it into I420 planes. */
    static byte[] planes(Path clip, int index, int w, int h) throws Exception {
        FileFrameSource source = new FileFrameSource("test", clip, false, FrameEvent.PixelFormat.I420, null);
        source.open();
        try {
            assertThat(source.width()).isEqualTo(w);
            assertThat(source.height()).isEqualTo(h);
            Frame frame = null;
            for (int i = 0; i <= index; i++) {
                frame = source.next();
            }
            assertThat(frame).as("frame " + index + " of " + clip).isNotNull();
            byte[] yuv = new byte[I420.frameBytes(w, h)];
            ((ByteBuffer) frame.image[0]).get(0, yuv, 0, yuv.length);
            return yuv;
        } finally {
            source.close();
        }
    }

    private static byte[] bgrOf(String png) throws Exception {
        BufferedImage image = ImageIO.read(ReferenceTensors.DIR.resolve(png).toFile());
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(image, 0, 0, null);
        return ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    }
}
