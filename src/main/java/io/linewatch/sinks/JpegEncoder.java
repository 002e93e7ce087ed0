package io.linewatch.sinks;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.ffmpeg.swscale.SwsFilter;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * Encodes BGR pictures ({@link BufferedImage#TYPE_3BYTE_BGR}, as every {@link SnapshotRenderer}
 * draws them) as baseline JPEG with FFmpeg's MJPEG encoder, into memory it keeps: the codec context,
 * the BGR input, the full-range YUV 4:2:0 frame, the colour converter and the packet are allocated
 * once per picture size and reused, and the encoded bytes land in a buffer that only grows. So a
 * warm encoder allocates nothing on the Java heap but a few small objects per picture, where
 * ImageIO's writer allocated about its picture's size. {@link #bytes()} is valid until the next
 * {@link #encode}. One thread at a time; {@link #close} frees the native memory.
 */
public final class JpegEncoder implements AutoCloseable {

    /** FFmpeg's quantiser scale (2 best, 31 worst): 4 looks like ImageIO's default quality 0.75. */
    static final int QSCALE = 4;

    private int width;
    private int height;
    private AVCodecContext codec;
    private AVFrame yuv;
    private PointerPointer<?> yuvPlanes;
    private IntPointer yuvStrides;
    private AVPacket packet;
    private SwsContext converter;
    private BytePointer bgr;
    private PointerPointer<?> bgrPlanes;
    private IntPointer bgrStrides;
    private byte[] jpeg = new byte[1 << 16];
    private int size;
    private long pts;

    /**
     * Encodes {@code image} (3-byte BGR, any size) and returns the length of the JPEG now held in
     * {@link #bytes()}.
     *
     * @throws IOException when FFmpeg refuses the picture, naming its size and FFmpeg's reason
     */
    public int encode(BufferedImage image) throws IOException {
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            throw new IllegalArgumentException("JPEG encoder takes 3-byte BGR pictures, got image type " + image.getType());
        }
        int w = image.getWidth();
        int h = image.getHeight();
        if (w != width || h != height || codec == null) {
            open(w, h);
        }
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        bgr.position(0).put(pixels, 0, w * h * 3);
        check(av_frame_make_writable(yuv), "frame not writable");
        sws_scale(converter, bgrPlanes, bgrStrides, 0, h, yuvPlanes, yuvStrides);
        yuv.pts(pts++);
        yuv.quality(codec.global_quality());
        check(avcodec_send_frame(codec, yuv), "picture refused");
        check(avcodec_receive_packet(codec, packet), "no JPEG out");
        try (PointerScope scope = new PointerScope()) {
            size = packet.size();
            if (jpeg.length < size) {
                jpeg = Arrays.copyOf(jpeg, Math.max(size, jpeg.length * 2));
            }
            packet.data().get(jpeg, 0, size);
        } finally {
            av_packet_unref(packet);
        }
        return size;
    }

    /** The last JPEG's bytes, {@code [0, size())}; the array is reused by the next {@link #encode}. */
    public byte[] bytes() {
        return jpeg;
    }

    /** The length of the last JPEG. */
    public int size() {
        return size;
    }

    /** Writes the last JPEG to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(jpeg, 0, size);
    }

    private void open(int w, int h) throws IOException {
        free();
        AVCodec mjpeg = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
        if (mjpeg == null) {
            throw new IOException("FFmpeg has no MJPEG encoder");
        }
        codec = avcodec_alloc_context3(mjpeg);
        codec.width(w).height(h).pix_fmt(AV_PIX_FMT_YUV420P).color_range(AVCOL_RANGE_JPEG)
                .time_base(av_make_q(1, 25)).thread_count(1).flags(codec.flags() | AV_CODEC_FLAG_QSCALE)
                .global_quality(FF_QP2LAMBDA * QSCALE);
        width = w;
        height = h;
        check(avcodec_open2(codec, mjpeg, (AVDictionary) null), "MJPEG encoder not opened");
        yuv = av_frame_alloc();
        yuv.format(AV_PIX_FMT_YUV420P).width(w).height(h).color_range(AVCOL_RANGE_JPEG);
        check(av_frame_get_buffer(yuv, 0), "frame buffer not allocated");
        yuvPlanes = yuv.data(); // views of the frame's own arrays, which stay where they are
        yuvStrides = yuv.linesize();
        packet = av_packet_alloc();
        // SWS_ACCURATE_RND: FFmpeg's fast BGR24 to YUV 4:2:0 path ignores the full range asked for below
        converter = sws_getContext(w, h, AV_PIX_FMT_BGR24, w, h, AV_PIX_FMT_YUV420P, SWS_BILINEAR | SWS_ACCURATE_RND,
                (SwsFilter) null, (SwsFilter) null, (DoublePointer) null);
        if (converter == null) {
            throw new IOException("no BGR to YUV converter for " + w + "x" + h);
        }
        try (PointerScope scope = new PointerScope()) {
            IntPointer bt601 = sws_getCoefficients(SWS_CS_ITU601);
            // full-range (JPEG) YUV out, as JFIF readers expect
            sws_setColorspaceDetails(converter, bt601, 1, bt601, 1, 0, 1 << 16, 1 << 16);
        }
        bgr = new BytePointer((long) w * h * 3);
        bgrPlanes = new PointerPointer<BytePointer>(4).put(0, bgr);
        bgrStrides = new IntPointer(4).put(0, w * 3);
    }

    private void check(int code, String what) throws IOException {
        if (code < 0) {
            byte[] text = new byte[128];
            av_strerror(code, text, text.length);
            int end = 0;
            while (end < text.length && text[end] != 0) {
                end++;
            }
            throw new IOException("JPEG " + width + "x" + height + ": " + what + ": "
                    + new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private void free() {
        if (codec != null) {
            avcodec_free_context(codec);
            codec = null;
        }
        if (yuv != null) {
            av_frame_free(yuv);
            yuv = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (converter != null) {
            sws_freeContext(converter);
            converter = null;
        }
        if (bgr != null) {
            bgr.close();
            bgrPlanes.close();
            bgrStrides.close();
            bgr = null;
        }
    }

    /** Frees the codec, frames and buffers; a later {@link #encode} allocates them again. */
    @Override
    public void close() {
        free();
        width = 0;
        height = 0;
    }
}
