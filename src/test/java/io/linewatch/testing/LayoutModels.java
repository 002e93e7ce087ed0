package io.linewatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.OnnxRuntimeEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tiny models of each output layout made by {@code models/training/make_layout_models.py}
 * (Ultralytics metadata, random weights), their input batch and the PyTorch reference decode.
 */
public final class LayoutModels {

    public static final Path DIR = Path.of("src/test/resources/models/layouts");
    public static final int FRAMES = 2;

    private LayoutModels() {
    }

    public static Path model(String name) {
        return DIR.resolve(name + ".onnx");
    }

    public static JsonNode expected() throws IOException {
        return new ObjectMapper().readTree(DIR.resolve("expected.json").toFile());
    }

    /** The model's raw outputs on the reference batch, run by ONNX Runtime, one buffer per output. */
    public static FloatBuffer[] run(String name) throws IOException, EngineException {
        try (OnnxRuntimeEngine engine = OnnxRuntimeEngine.open(model(name), 1, 0, 0)) {
            FloatBuffer in = input();
            int[] floats = engine.signature().outputFloatsEach();
            FloatBuffer[] out = new FloatBuffer[floats.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = direct(FRAMES * floats[i]);
            }
            engine.run(in, out, FRAMES);
            return out;
        }
    }

    /** The reference batch, float32 [2, 3, 64, 64]. */
    public static FloatBuffer input() throws IOException {
        byte[] bytes = Files.readAllBytes(DIR.resolve("input_b2.bin"));
        FloatBuffer out = direct(bytes.length / 4);
        out.put(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        return out.clear();
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
