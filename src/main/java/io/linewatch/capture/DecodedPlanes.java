package io.linewatch.capture;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * The yuv420p planes of the frame a decoder last gave, copied straight into a slot's pixels (Y, then
 * U, then V, rows without padding): one copy from the decoder's memory instead of two (packed into a
 * native buffer, then into the slot). Reads the planes' addresses from the {@link AVFrame} at each
 * copy, through views made once, so a copy allocates nothing. Valid until the decoder's next frame;
 * used on the capture thread only.
 */
public final class DecodedPlanes {

    private final LongPointer data;
    private final IntPointer linesize;
    private final Plane plane = new Plane();
    private int width;
    private int height;

    /** @param picture the frame the decoder writes into, for the demuxer's life */
    DecodedPlanes(AVFrame picture) {
        this.data = new LongPointer(picture.data());
        this.linesize = new IntPointer(picture.linesize());
    }

    /** The size of the frame now held (set by the demuxer for each frame it hands over unpacked). */
    void size(int frameWidth, int frameHeight) {
        this.width = frameWidth;
        this.height = frameHeight;
    }

    /** Copies the planes, packed, into {@code dst} from index 0. */
    public void copyTo(byte[] dst) {
        int offset = copyPlane(0, width, height, dst, 0);
        offset = copyPlane(1, chromaWidth(), chromaHeight(), dst, offset);
        copyPlane(2, chromaWidth(), chromaHeight(), dst, offset);
    }

    private int chromaWidth() {
        return (width + 1) / 2;
    }

    private int chromaHeight() {
        return (height + 1) / 2;
    }

    /** One plane's rows: in one call where the decoder's rows have no padding, else row by row. */
    private int copyPlane(int index, int rowBytes, int rows, byte[] dst, int offset) {
        int stride = linesize.get(index);
        plane.at(data.get(index));
        if (stride == rowBytes) {
            plane.position(0).get(dst, offset, rowBytes * rows);
            return offset + rowBytes * rows;
        }
        for (int y = 0; y < rows; y++) {
            plane.position((long) y * stride).get(dst, offset, rowBytes);
            offset += rowBytes;
        }
        return offset;
    }

    /** A byte pointer moved onto each plane in turn (JavaCPP's address is settable only by subclasses). */
    private static final class Plane extends BytePointer {
        void at(long planeAddress) {
            address = planeAddress;
            position = 0;
            limit = 0;
            capacity = 0;
        }
    }
}
