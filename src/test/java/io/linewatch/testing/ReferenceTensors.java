package io.linewatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The tensors recorded from the shipped model by {@code models/training/make_reference_tensors.py}:
 * three decoded frames of the sample clip, their letterboxed input (cv2), the model's raw output in
 * the YOLOv8 layout and the same output in the YOLOv5 layout, and the reference detections.
 */
public final class ReferenceTensors {

    public static final Path DIR = Path.of("src/test/resources/tensors");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReferenceTensors() {
    }

    public static JsonNode expected() throws IOException {
        return JSON.readTree(DIR.resolve("expected.json").toFile());
    }

    /** A raw little-endian float32 file as a direct native-order buffer. */
    public static FloatBuffer floats(String name) throws IOException {
        byte[] bytes = Files.readAllBytes(DIR.resolve(name));
        FloatBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        FloatBuffer out = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        out.put(le);
        return out.clear();
    }

    /** A PNG frame as packed BGR bytes. */
    public static byte[] bgr(int frame) throws IOException {
        BufferedImage png = ImageIO.read(DIR.resolve("frame_" + frame + ".png").toFile());
        BufferedImage bgr = new BufferedImage(png.getWidth(), png.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(png, 0, 0, null);
        return ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    }
}
