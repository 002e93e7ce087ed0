package io.linewatch.testing;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/** Test clips written through FFmpeg. */
public final class Clips {

    private Clips() {
    }

    /**
     * Writes {@code frames} frames of gradients and noise, losslessly (FFV1 in Matroska, 25 fps), and
     * adds each frame's packed BGR bytes to {@code written}.
     */
    public static void writeFfv1(Path file, int width, int height, int frames, List<byte[]> written) throws Exception {
        Random random = new Random(width * 31L + height);
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height)) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_BGR0);
            recorder.setFrameRate(25);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
                ByteBuffer buf = (ByteBuffer) frame.image[0];
                byte[] packed = new byte[width * height * 3];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int p = (y * width + x) * 3;
                        packed[p] = (byte) (x * 255 / width + i);
                        packed[p + 1] = (byte) (y * 255 / height);
                        packed[p + 2] = (byte) random.nextInt(256);
                        for (int c = 0; c < 3; c++) {
                            buf.put(y * frame.imageStride + x * 3 + c, packed[p + c]);
                        }
                    }
                }
                recorder.record(frame);
                written.add(packed);
            }
        }
    }
}
