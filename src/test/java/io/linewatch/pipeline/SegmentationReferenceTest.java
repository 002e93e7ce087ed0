package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.FileFrameSource;
import io.linewatch.inference.ModelSignature;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.postprocess.DefectRegionFinder;
import io.linewatch.postprocess.SegmentHandler;
import io.linewatch.preprocess.LetterboxGeometry;
import io.linewatch.preprocess.LetterboxResampler;
import io.linewatch.testing.ReferenceTensors;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java side of the shipped U-Net against the training script's reference
 * ({@code models/training/make_seg_reference_tensors.py}, src/test/resources/tensors/seg_*): two
 * frames of the inspection clip, their letterboxed input, PyTorch's raw mask output and its
 * connected components. Our engine's raw output equals PyTorch's within 1e-4; our letterbox of the
 * same frames, decoded by OpenCV (the PNGs) or by our own capture (FFmpeg), equals the reference input
 * within OpenCV's rounding; our regions are the reference's.
 */
class SegmentationReferenceTest {

    private static final Path MODEL = Path.of("models/surface-defects.onnx");
    private static final Path CLIP = Path.of("samples/inspection.mp4");
    private static final int W = 256;
    private static final int H = 192;
    private static final int CLASSES = 4;

    private static JsonNode expected;
    private static FloatBuffer input;
    private static FloatBuffer mask;

    @BeforeAll
    static void load() throws Exception {
        expected = new ObjectMapper().readTree(ReferenceTensors.DIR.resolve("seg_frames.json").toFile());
        input = ReferenceTensors.floats("seg_input_b2.bin");
        mask = ReferenceTensors.floats("seg_mask_b2.bin");
    }

    @Test
    void theEnginesRawMaskEqualsPyTorchsWithin1e4() throws Exception {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(MODEL, 1, 0, 0)) {
            ModelSignature sig = engine.signature();
            assertThat(sig.toString()).isEqualTo("images[B,3,192,256] -> mask[B,4,192,256] (dynamic batch)");
            FloatBuffer out = FrameEventFactory.directFloats(mask.capacity());
            engine.run(input, new FloatBuffer[] {out}, 2);
            double maxDiff = 0;
            for (int k = 0; k < mask.capacity(); k++) {
                maxDiff = Math.max(maxDiff, Math.abs(mask.get(k) - out.get(k)));
            }
            assertThat(maxDiff).as("largest difference from PyTorch's mask").isLessThan(1e-4);
            System.out.printf("engine vs PyTorch: largest difference %.2g%n", maxDiff);
        }
    }

    @Test
    void ourLetterboxOfTheReferenceFramesIsTheReferenceInput() throws Exception {
        FloatBuffer ours = letterbox(frame -> png(frame.get("png").asText()));
        Diff d = diff(ours, input);
        // OpenCV blends 8-bit pixels in fixed point and rounds to 8 bits: at most one level apart.
        assertThat(d.max * 255).isLessThanOrEqualTo(1.01);
        assertThat(d.mean * 255).isLessThan(0.5);
    }

    /**
     * The clip decoded by our capture (FFmpeg, as the daemon reads it) rather than by OpenCV: the
     * same input within the rounding of the letterbox (both convert YUV 4:2:0 to BGR with FFmpeg's
     * swscale), and the same regions from the mask of that input.
     */
    @Test
    void ourDecodeOfTheClipGivesTheReferenceInputWithinColourConversion() throws Exception {
        Map<Integer, byte[]> frames = decode(List.of(130, 204));
        FloatBuffer ours = letterbox(frame -> frames.get(frame.get("frame").asInt()));
        Diff d = diff(ours, input);
        assertThat(d.mean * 255).as("mean difference in levels").isLessThan(0.5);
        assertThat(d.max * 255).as("largest difference in levels").isLessThan(2);
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(MODEL, 1, 0, 0)) {
            FloatBuffer out = FrameEventFactory.directFloats(mask.capacity());
            engine.run(ours, new FloatBuffer[] {out}, 2);
            List<String> fromOurs = regions(out);
            List<String> fromReference = regions(mask);
            assertThat(fromOurs).hasSameSizeAs(fromReference);
            for (int i = 0; i < fromOurs.size(); i++) {
                String geometry = fromReference.get(i).substring(0, fromReference.get(i).lastIndexOf(' '));
                assertThat(fromOurs.get(i)).startsWith(geometry + " ");
                assertThat(meanOf(fromOurs.get(i))).isCloseTo(meanOf(fromReference.get(i)), within(0.01));
            }
            System.out.printf("decoded by FFmpeg vs the reference input: mean %.3f, max %.1f levels%n", d.mean * 255,
                    d.max * 255);
        }
    }

    @Test
    void ourRegionsOfTheReferenceMaskAreTheReferenceRegions() {
        List<String> found = regions(mask);
        List<String> reference = new ArrayList<>();
        for (JsonNode frame : expected.get("frames")) {
            for (JsonNode r : frame.get("regions")) {
                JsonNode b = r.get("box_source");
                reference.add(String.format(java.util.Locale.ROOT, "%d %s %.2f [%.1f,%.1f,%.1f,%.1f] %.4f",
                        frame.get("frame").asInt(), r.get("class").asText(), r.get("area_source_px").asDouble(),
                        b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble(),
                        r.get("mean_prob").asDouble()));
            }
        }
        assertThat(found).containsExactlyInAnyOrderElementsOf(reference);
    }

    private static double meanOf(String region) {
        return Double.parseDouble(region.substring(region.lastIndexOf(' ') + 1));
    }

    /** "frame class area [box] mean" per region our segment stage finds in each frame's mask, source pixels. */
    private static List<String> regions(FloatBuffer masks) {
        int min = expected.get("decode").get("min_area_model_px").asInt();
        float threshold = (float) expected.get("decode").get("threshold").asDouble();
        SegmentHandler handler = new SegmentHandler(new DefectRegionFinder(CLASSES, H, W, threshold, min, 32), 0, W, H,
                new float[] {1f}, List.of(new CameraStats("inspection")));
        List<String> out = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        expected.get("classes").forEach(c -> classes.add(c.asText()));
        for (JsonNode frame : expected.get("frames")) {
            int b = frame.get("batch_index").asInt();
            FrameEvent e = new FrameEventFactory(1, 3, 1, new int[] {CLASSES * H * W}, 1).withDefectRegions(32)
                    .newInstance();
            e.outputs[0].put(0, masks, b * CLASSES * H * W, CLASSES * H * W);
            LetterboxGeometry g = LetterboxGeometry.of(384, 288, W, H);
            e.width = 384;
            e.height = 288;
            e.letterboxScale = g.scale();
            handler.onEvent(e, 0, true);
            DefectRegions d = e.defects;
            for (int i = 0; i < d.count(); i++) {
                out.add(String.format(java.util.Locale.ROOT, "%d %s %.2f [%.1f,%.1f,%.1f,%.1f] %.4f",
                        frame.get("frame").asInt(), classes.get(d.classId[i]), d.areaPx[i], d.x1[i], d.y1[i], d.x2[i],
                        d.y2[i], d.meanProbability[i]));
            }
        }
        return out;
    }

    private interface Pixels {
        byte[] of(JsonNode frame) throws Exception;
    }

    private static FloatBuffer letterbox(Pixels pixels) throws Exception {
        LetterboxResampler resampler = new LetterboxResampler(W, H, 1 / 255.0, new double[3], new double[] {1, 1, 1},
                114);
        FloatBuffer ours = FrameEventFactory.directFloats(input.capacity());
        for (JsonNode frame : expected.get("frames")) {
            LetterboxGeometry g = resampler.apply(pixels.of(frame), 384, 288, ours, frame.get("batch_index").asInt()
                    * 3 * W * H);
            assertThat(g.scale()).isEqualTo((float) expected.get("letterbox").get("scale").asDouble());
            assertThat(g.padLeft()).isZero();
            assertThat(g.padTop()).isZero();
        }
        return ours;
    }

    /** Packed BGR of the wanted frames (0-based), decoded by our capture's source. */
    private static Map<Integer, byte[]> decode(List<Integer> wanted) throws Exception {
        Map<Integer, byte[]> out = new java.util.HashMap<>();
        FileFrameSource source = new FileFrameSource("inspection", CLIP, false);
        source.open();
        try {
            int n = 0;
            for (Frame f = source.next(); f != null && out.size() < wanted.size(); f = source.next(), n++) {
                if (wanted.contains(n)) {
                    byte[] bgr = new byte[f.imageWidth * f.imageHeight * 3];
                    ByteBuffer buf = (ByteBuffer) f.image[0];
                    for (int y = 0; y < f.imageHeight; y++) {
                        buf.position(y * f.imageStride);
                        buf.get(bgr, y * f.imageWidth * 3, f.imageWidth * 3);
                    }
                    buf.rewind();
                    out.put(n, bgr);
                }
            }
        } finally {
            source.close();
        }
        assertThat(out).containsOnlyKeys(wanted);
        return out;
    }

    /** A reference PNG as packed BGR bytes. */
    private static byte[] png(String name) throws Exception {
        BufferedImage png = ImageIO.read(ReferenceTensors.DIR.resolve(name).toFile());
        BufferedImage bgr = new BufferedImage(png.getWidth(), png.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(png, 0, 0, null);
        return ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    }

    private record Diff(double max, double mean) {
    }

    private static Diff diff(FloatBuffer a, FloatBuffer b) {
        double max = 0;
        double sum = 0;
        for (int k = 0; k < b.capacity(); k++) {
            double d = Math.abs(a.get(k) - b.get(k));
            max = Math.max(max, d);
            sum += d;
        }
        return new Diff(max, sum / b.capacity());
    }
}
