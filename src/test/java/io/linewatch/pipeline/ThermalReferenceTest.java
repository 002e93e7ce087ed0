package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.capture.FileFrameSource;
import io.linewatch.config.ThermalCameraConfig;
import io.linewatch.config.ThermalModelConfig;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.postprocess.ThermalDecodeHandler;
import io.linewatch.postprocess.ThermalHeads;
import io.linewatch.preprocess.ThermalPreprocessHandler;
import io.linewatch.testing.ReferenceTensors;
import io.linewatch.testing.Shipped;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

/**
 * The shipped thermal model in the Java pipeline against PyTorch, on the reference tensors of
 * {@code models/training/make_thermal_reference_tensors.py}: two frames of the sample clip decoded
 * by our capture and preprocessed by our thermal stage equal the reference input (counts to object
 * temperature in float64, rounded once); ONNX Runtime's raw outputs on the reference input, run in
 * place in a lane's arenas, equal PyTorch's within 1e-4; and our decode gives the reference
 * temperatures and hotspots.
 */
class ThermalReferenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int W = 160;
    private static final int H = 120;

    @Test
    void preprocessRawOutputsAndDecodeMatchTheReference() throws Exception {
        JsonNode ref = JSON.readTree(ReferenceTensors.DIR.resolve("thermal_frames.json").toFile());
        JsonNode c = ref.get("calibration");
        ThermalCalibration[] cals = {new ThermalCalibration(new ThermalCameraConfig(c.get("kelvin_per_count").asDouble(),
                c.get("offset_k").asDouble(), c.get("emissivity").asDouble(),
                c.get("reflected_k").asDouble() - ThermalCalibration.ZERO_CELSIUS_K, null))};
        FloatBuffer referenceInput = ReferenceTensors.floats("thermal_input_b2.bin");
        FloatBuffer referenceTemps = ReferenceTensors.floats("thermal_temps_b2.bin");
        FloatBuffer referenceHeatmap = ReferenceTensors.floats("thermal_heatmap_b2.bin");
        List<Integer> frames = List.of(ref.get("frames").get(0).asInt(), ref.get("frames").get(1).asInt());

        FrameEventFactory factory = new FrameEventFactory(2, W * H * 2, W * H, new int[] {3, 4800}, 1).thermal(8);
        FrameEvent[] slots = {factory.newInstance(), factory.newInstance()};
        decodeFrames(frames, slots);
        ThermalPreprocessHandler preprocess = new ThermalPreprocessHandler(W, H, ThermalModelConfig.defaults(), cals,
                Freshness.unlimited(List.of(new CameraStats("motor"))));
        for (FrameEvent slot : slots) {
            preprocess.onEvent(slot, slot.slotIndex, true);
        }
        FloatBuffer ours = factory.inputArena();
        assertThat(maxDifference(ours, referenceInput)).as("our input against the reference input").isLessThan(1e-6);

        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(Shipped.THERMAL_MODEL, 1, 0, 0)) {
            assertThat(engine.signature().toString()).isEqualTo(
                    "thermal[B,1,120,160] -> temps[B,3], heatmap[B,1,60,80] (dynamic batch)");
            ours.put(0, referenceInput, 0, referenceInput.capacity()); // the very same input as PyTorch's
            FloatBuffer[] outputs = factory.outputArenas();
            engine.run(factory.inputArena(), outputs, 2);
            assertThat(maxDifference(outputs[0], referenceTemps)).as("temps against PyTorch").isLessThanOrEqualTo(1e-4);
            assertThat(maxDifference(outputs[1], referenceHeatmap)).as("heat map against PyTorch")
                    .isLessThanOrEqualTo(1e-4);
        }

        ThermalDecodeHandler decode = new ThermalDecodeHandler(ThermalHeads.find(List.of("temps", "heatmap"),
                List.of(new long[] {3}, new long[] {1, 60, 80}), W, H), ThermalModelConfig.defaults(), cals);
        for (int k = 0; k < 2; k++) {
            decode.onEvent(slots[k], k, true);
            assertDecoded(slots[k].thermal, ref.get("results").get(k));
        }
    }

    /** The clip's frames decoded by our capture into the slots, as the pipeline does. */
    private static void decodeFrames(List<Integer> frames, FrameEvent[] slots) throws Exception {
        FileFrameSource source = new FileFrameSource("motor", Shipped.MOTOR_CLIP, false, FrameEvent.PixelFormat.GRAY16,
                null);
        source.open();
        try {
            for (int n = 0, k = 0; k < slots.length; n++) {
                Frame f = source.next();
                if (n == frames.get(k)) {
                    FrameEvent e = slots[k++];
                    e.cameraIndex = 0;
                    e.cameraId = "motor";
                    e.width = f.imageWidth;
                    e.height = f.imageHeight;
                    e.pixelFormat = FrameEvent.PixelFormat.GRAY16;
                    ByteBuffer b = (ByteBuffer) f.image[0];
                    for (int y = 0; y < e.height; y++) {
                        b.get(y * f.imageStride, e.pixels, y * e.width * 2, e.width * 2);
                    }
                }
            }
        } finally {
            source.close();
        }
    }

    private static void assertDecoded(ThermalResult r, JsonNode expected) {
        JsonNode temps = expected.get("temps_c");
        assertThat(r.maxK - ThermalCalibration.ZERO_CELSIUS_K).isCloseTo(temps.get("max").asDouble(), within(0.01));
        assertThat(r.avgK - ThermalCalibration.ZERO_CELSIUS_K).isCloseTo(temps.get("avg").asDouble(), within(0.01));
        assertThat(r.minK - ThermalCalibration.ZERO_CELSIUS_K).isCloseTo(temps.get("min").asDouble(), within(0.01));
        JsonNode hotspots = expected.get("hotspots");
        assertThat(r.hotspotCount()).isEqualTo(hotspots.size());
        for (int i = 0; i < hotspots.size(); i++) {
            JsonNode h = hotspots.get(i);
            assertThat(r.hotspotX[i]).isCloseTo((float) h.get("x").asDouble(), within(1e-3f));
            assertThat(r.hotspotY[i]).isCloseTo((float) h.get("y").asDouble(), within(1e-3f));
            assertThat(r.hotspotScore[i]).isCloseTo((float) h.get("score").asDouble(), within(1e-4f));
            assertThat(r.hotspotPeakK[i] - ThermalCalibration.ZERO_CELSIUS_K)
                    .isCloseTo(h.get("peak_c").asDouble(), within(0.01));
        }
    }

    private static double maxDifference(FloatBuffer a, FloatBuffer b) {
        assertThat(a.capacity()).isEqualTo(b.capacity());
        double max = 0;
        for (int i = 0; i < b.capacity(); i++) {
            max = Math.max(max, Math.abs(a.get(i) - b.get(i)));
        }
        return max;
    }
}
