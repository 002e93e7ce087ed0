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

    /**
     * A frame to hand FFmpeg's recorder, its rows padded to 64 elements with 64 more at the end:
     * swscale's SIMD reads a little past a row's end, which past the end of an unpadded buffer of an
     * odd width can fall off a mapped page (a crash in sws_scale, seen once in a full run).
     */
    public static Frame frame(int width, int height, int depth, int channels) {
        int stride = (width * channels + 63) / 64 * 64 + 64;
        return new Frame(width, height, depth, channels, stride);
    }

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
                Frame frame = frame(width, height, Frame.DEPTH_UBYTE, 3);
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

    /**
     * Writes {@code frames} frames of moving gradients in any container, codec and pixel format
     * FFmpeg writes (25 fps, a key frame every 10), for tests of what the decoder makes of them.
     */
    public static void write(Path file, String format, int codec, int pixelFormat, int width, int height, int frames)
            throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height)) {
            recorder.setFormat(format);
            recorder.setVideoCodec(codec);
            recorder.setPixelFormat(pixelFormat);
            recorder.setFrameRate(25);
            recorder.setGopSize(10);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                Frame frame = frame(width, height, Frame.DEPTH_UBYTE, 3);
                ByteBuffer buf = (ByteBuffer) frame.image[0];
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width * 3; x++) {
                        buf.put(y * frame.imageStride + x, (byte) (x / 3 + 2 * y + 4 * i));
                    }
                }
                recorder.record(frame);
            }
        }
    }

    /**
     * Writes 16-bit gray frames (radiometric counts, {@code width * height} samples each, row after
     * row) losslessly: FFV1 gray16le in Matroska at {@code fps}, as a thermal camera's recording.
     */
    public static void writeGray16(Path file, int width, int height, double fps, List<short[]> frames)
            throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height)) {
            recorder.setFormat("matroska");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_FFV1);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_GRAY16LE);
            recorder.setFrameRate(fps);
            recorder.start();
            for (short[] samples : frames) {
                Frame frame = frame(width, height, Frame.DEPTH_USHORT, 1);
                java.nio.ShortBuffer buf = (java.nio.ShortBuffer) frame.image[0];
                int strideSamples = frame.imageStride;
                for (int y = 0; y < height; y++) {
                    buf.put(y * strideSamples, samples, y * width, width);
                }
                recorder.record(frame, avutil.AV_PIX_FMT_GRAY16);
            }
        }
    }

    /**
     * Writes 16-bit binary PGM files (big-endian samples, maxval 65535), one per frame, named by
     * {@code pattern} (a {@link String#format} pattern such as {@code %05d.pgm}) from number 1.
     */
    public static void writePgm16(Path dir, String pattern, int width, int height, List<short[]> frames)
            throws java.io.IOException {
        for (int i = 0; i < frames.size(); i++) {
            byte[] header = ("P5\n" + width + " " + height + "\n65535\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            ByteBuffer body = ByteBuffer.allocate(header.length + width * height * 2)
                    .order(java.nio.ByteOrder.BIG_ENDIAN);
            body.put(header);
            for (short s : frames.get(i)) {
                body.putShort(s);
            }
            java.nio.file.Files.write(dir.resolve(String.format(java.util.Locale.ROOT, pattern, i + 1)), body.array());
        }
    }

    /** A small H.264 stream in MPEG-TS, the form a camera's stream takes; its bytes concatenate. */
    public static byte[] h264Ts(Path dir, int width, int height, int frames) throws Exception {
        Path file = java.nio.file.Files.createTempFile(dir, "h264-", ".ts");
        write(file, "mpegts", avcodec.AV_CODEC_ID_H264, avutil.AV_PIX_FMT_YUV420P, width, height, frames);
        return java.nio.file.Files.readAllBytes(file);
    }
}
