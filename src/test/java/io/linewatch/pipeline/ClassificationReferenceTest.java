package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.FileFrameSource;
import io.linewatch.config.ClassificationCameraConfig;
import io.linewatch.config.RegionConfig;
import io.linewatch.inference.ModelSignature;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.postprocess.ClassifyHandler;
import io.linewatch.preprocess.RegionResampler;
import io.linewatch.testing.ReferenceTensors;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java side of the shipped process-state classifier against the training script's reference
 * ({@code models/training/make_cls_reference_tensors.py}, src/test/resources/tensors/cls_*): two
 * frames of the process clip, two regions each, their cropped and resized input, PyTorch's logits
 * and class-activation maps. Our engine's logits and maps equal PyTorch's within 1e-4; our crop and
 * resize of the same frames (decoded by OpenCV, or by our own capture) equal the reference input
 * within OpenCV's 8-bit rounding; our classify stage gives the reference probabilities, states and
 * map peaks.
 */
class ClassificationReferenceTest {

    private static final Path MODEL = Path.of("models/process-state.onnx");
    private static final Path CLIP = Path.of("samples/process.mp4");
    private static final int IN = 64;
    private static final int STATES = 4;
    private static final int CAM = 16;
    private static final double[] MEAN = {0.485, 0.456, 0.406};
    private static final double[] STD = {0.229, 0.224, 0.225};

    private static JsonNode expected;
    private static FloatBuffer input;
    private static FloatBuffer logits;
    private static FloatBuffer cam;

    @BeforeAll
    static void load() throws Exception {
        expected = new ObjectMapper().readTree(ReferenceTensors.DIR.resolve("cls_frames.json").toFile());
        input = ReferenceTensors.floats("cls_input_b4.bin");
        logits = ReferenceTensors.floats("cls_logits_b4.bin");
        cam = ReferenceTensors.floats("cls_cam_b4.bin");
    }

    @Test
    void theEnginesLogitsAndMapsEqualPyTorchsWithin1e4() throws Exception {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(MODEL, 1, 0, 0)) {
            ModelSignature sig = engine.signature();
            assertThat(sig.toString()).isEqualTo("images[B,3,64,64] -> logits[B,4], cam[B,4,16,16] (dynamic batch)");
            FloatBuffer outLogits = FrameEventFactory.directFloats(logits.capacity());
            FloatBuffer outCam = FrameEventFactory.directFloats(cam.capacity());
            engine.run(input, new FloatBuffer[] {outLogits, outCam}, 4);
            double logitDiff = maxDiff(logits, outLogits);
            double camDiff = maxDiff(cam, outCam);
            assertThat(logitDiff).as("largest difference from PyTorch's logits").isLessThan(1e-4);
            assertThat(camDiff).as("largest difference from PyTorch's maps").isLessThan(1e-4);
            System.out.printf("engine vs PyTorch: logits %.2g, maps %.2g%n", logitDiff, camDiff);
        }
    }

    @Test
    void ourCropAndResizeOfTheReferenceFramesIsTheReferenceInput() throws Exception {
        FloatBuffer ours = cropAndResize(frame -> png(frame.get("png").asText()));
        double levels = maxLevels(ours, input);
        // OpenCV blends 8-bit pixels in fixed point and rounds to 8 bits: at most one level apart.
        assertThat(levels).as("largest difference in 8-bit levels").isLessThanOrEqualTo(1.01);
    }

    /** The clip decoded by our capture (FFmpeg, as the daemon reads it): the same input within colour conversion. */
    @Test
    void ourDecodeOfTheClipGivesTheReferenceInputAndStates() throws Exception {
        Map<Integer, byte[]> frames = decode(List.of(120, 150));
        FloatBuffer ours = cropAndResize(frame -> frames.get(frame.get("frame").asInt()));
        assertThat(maxLevels(ours, input)).as("largest difference in levels").isLessThan(2.01);
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(MODEL, 1, 0, 0)) {
            FloatBuffer outLogits = FrameEventFactory.directFloats(logits.capacity());
            FloatBuffer outCam = FrameEventFactory.directFloats(cam.capacity());
            engine.run(ours, new FloatBuffer[] {outLogits, outCam}, 4);
            FrameEvent[] decoded = classify(outLogits, outCam);
            for (JsonNode image : expected.get("images")) {
                int b = image.get("batch_index").asInt();
                ClassResult c = decoded[b / 2].classes;
                assertThat(states().get(c.best[b % 2])).isEqualTo(image.get("state").asText());
            }
        }
    }

    @Test
    void ourClassifyStageGivesTheReferenceProbabilitiesStatesAndPeaks() throws Exception {
        FrameEvent[] decoded = classify(logits, cam);
        for (JsonNode image : expected.get("images")) {
            int b = image.get("batch_index").asInt();
            ClassResult c = decoded[b / 2].classes;
            int r = b % 2;
            for (int s = 0; s < STATES; s++) {
                assertThat((double) c.probability(r, s)).isCloseTo(image.get("probabilities").get(s).asDouble(),
                        within(2e-6));
            }
            assertThat(states().get(c.best[r])).isEqualTo(image.get("state").asText());
            assertThat((double) c.peakX[r]).isCloseTo(image.get("cam_peak").get(0).asDouble(), within(1e-3));
            assertThat((double) c.peakY[r]).isCloseTo(image.get("cam_peak").get(1).asDouble(), within(1e-3));
        }
        // the reference frames show foaming in glass_a and low level in glass_b (frame 150)
        assertThat(expected.get("images").get(0).get("state").asText()).isEqualTo("foaming");
        assertThat(expected.get("images").get(3).get("state").asText()).isEqualTo("low_level");
    }

    /** Two slots of the reference frames, two regions each, through the classify stage. */
    private static FrameEvent[] classify(FloatBuffer scores, FloatBuffer maps) {
        ClassificationCameraConfig camera = camera();
        ClassifyHandler handler = new ClassifyHandler(new ClassificationCameraConfig[] {camera}, STATES, 0, 1, CAM,
                CAM, 0);
        FrameEvent[] out = new FrameEvent[2];
        FrameEventFactory factory = new FrameEventFactory(2, 3, 2 * 3 * IN * IN,
                new int[] {2 * STATES, 2 * STATES * CAM * CAM}, 1).classification(2, STATES);
        for (int f = 0; f < 2; f++) {
            FrameEvent e = factory.newInstance();
            e.cameraIndex = 0;
            e.width = 320;
            e.height = 240;
            e.inferred = true;
            e.outputs[0].put(0, scores, f * 2 * STATES, 2 * STATES);
            e.outputs[1].put(0, maps, f * 2 * STATES * CAM * CAM, 2 * STATES * CAM * CAM);
            handler.onEvent(e, f, true);
            out[f] = e;
        }
        return out;
    }

    private static ClassificationCameraConfig camera() {
        List<RegionConfig> regions = new java.util.ArrayList<>();
        for (int b = 0; b < 2; b++) {
            JsonNode image = expected.get("images").get(b);
            JsonNode box = image.get("box");
            regions.add(new RegionConfig(image.get("region").asText(), box.get(0).asInt(), box.get(1).asInt(),
                    box.get(2).asInt(), box.get(3).asInt()));
        }
        return new ClassificationCameraConfig(regions);
    }

    private static List<String> states() {
        List<String> s = new java.util.ArrayList<>();
        expected.get("states").forEach(n -> s.add(n.asText()));
        return s;
    }

    private interface Pixels {
        byte[] of(JsonNode image) throws Exception;
    }

    private static FloatBuffer cropAndResize(Pixels pixels) throws Exception {
        RegionResampler resampler = new RegionResampler(IN, IN, 1 / 255.0, MEAN, STD);
        FloatBuffer ours = FrameEventFactory.directFloats(input.capacity());
        for (JsonNode image : expected.get("images")) {
            JsonNode box = image.get("box");
            resampler.apply(pixels.of(image), 320, box.get(0).asInt(), box.get(1).asInt(), box.get(2).asInt(),
                    box.get(3).asInt(), ours, image.get("batch_index").asInt() * 3 * IN * IN);
        }
        return ours;
    }

    /** Largest difference in 8-bit levels (the normalised difference times std and 255, per channel). */
    private static double maxLevels(FloatBuffer a, FloatBuffer b) {
        double max = 0;
        int plane = IN * IN;
        for (int k = 0; k < b.capacity(); k++) {
            int channel = (k / plane) % 3;
            max = Math.max(max, Math.abs(a.get(k) - b.get(k)) * STD[channel] * 255);
        }
        return max;
    }

    private static double maxDiff(FloatBuffer a, FloatBuffer b) {
        double max = 0;
        for (int k = 0; k < a.capacity(); k++) {
            max = Math.max(max, Math.abs(a.get(k) - b.get(k)));
        }
        return max;
    }

    private static Map<Integer, byte[]> decode(List<Integer> wanted) throws Exception {
        Map<Integer, byte[]> out = new HashMap<>();
        FileFrameSource source = new FileFrameSource("reactor", CLIP, false);
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

    private static byte[] png(String name) throws Exception {
        BufferedImage png = ImageIO.read(ReferenceTensors.DIR.resolve(name).toFile());
        BufferedImage bgr = new BufferedImage(png.getWidth(), png.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(png, 0, 0, null);
        return ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    }
}
