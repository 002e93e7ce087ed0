package io.linewatch.enginebuild;

import java.nio.ByteBuffer;
import org.bytedeco.javacv.Frame;

/** One decoded frame as packed BGR rows, in a buffer reused from frame to frame. */
final class BgrFrame {

    byte[] pixels = new byte[0];
    int width;
    int height;

    /** Copies a decoded BGR frame, dropping the row padding of its stride. */
    void copyFrom(Frame frame) {
        int rowBytes = frame.imageWidth * 3;
        int bytes = rowBytes * frame.imageHeight;
        if (pixels.length < bytes) {
            pixels = new byte[bytes];
        }
        ByteBuffer image = (ByteBuffer) frame.image[0];
        for (int y = 0; y < frame.imageHeight; y++) {
            image.get(y * frame.imageStride, pixels, y * rowBytes, rowBytes);
        }
        width = frame.imageWidth;
        height = frame.imageHeight;
    }
}
