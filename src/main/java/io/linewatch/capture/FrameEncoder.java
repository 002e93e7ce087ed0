package io.linewatch.capture;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import io.linewatch.pipeline.PacketRing;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Encodes the decoded frames of a source that has no packets a clip could hold (an image sequence,
 * a raw V4L2 format) once, on the capture thread, into packets kept in a {@link PacketRing}: 16-bit
 * gray as lossless FFV1 gray16le (the counts stay measurable), anything else as H.264 (OpenH264, one
 * key frame a second, no B-frames, so each frame is one packet at once) or, where FFmpeg has no
 * OpenH264, MJPEG. Frames keep their source timestamps and time base. Memory: one converted frame
 * and one packet, reused; the ring bounds the rest. Owns its native objects; {@link #close()} frees
 * them (the codec parameters handed to the ring stay, as the demuxer's do).
 */
final class FrameEncoder implements AutoCloseable {

    private final String cameraId;
    private final AVCodecContext encoder;
    private final AVFrame converted;
    private final AVPacket packet;
    private final PacketRing.Stream stream;
    private final PacketRing ring;
    private SwsContext scaler;
    private boolean closed;

    private FrameEncoder(String cameraId, AVCodecContext encoder, AVFrame converted, AVPacket packet, PacketRing.Stream stream,
                         PacketRing ring) {
        this.cameraId = cameraId;
        this.encoder = encoder;
        this.converted = converted;
        this.packet = packet;
        this.stream = stream;
        this.ring = ring;
    }

    /**
     * Opens an encoder for frames of {@code width}x{@code height} timed in {@code timeBase}.
     *
     * @param gray16    16-bit gray frames: FFV1 gray16le; else H.264 (or MJPEG)
     * @param frameRate frames per second (the key frame interval of H.264); 0 when unknown
     */
    static FrameEncoder open(String cameraId, int width, int height, boolean gray16, AVRational timeBase,
                             double frameRate, PacketRing ring) throws PacketDemuxer.Failure {
        AVCodec codec = gray16 ? avcodec_find_encoder(AV_CODEC_ID_FFV1) : avcodec_find_encoder_by_name("libopenh264");
        if (codec == null && !gray16) {
            codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
        }
        if (codec == null) {
            throw new PacketDemuxer.Failure("camera " + cameraId + ": FFmpeg has no encoder to keep its frames for clips",
                    true);
        }
        int pixelFormat = gray16 ? AV_PIX_FMT_GRAY16LE : codec.id() == AV_CODEC_ID_MJPEG ? AV_PIX_FMT_YUVJ420P
                : AV_PIX_FMT_YUV420P;
        AVCodecContext c = avcodec_alloc_context3(codec);
        c.width(gray16 ? width : width & ~1); // 4:2:0 wants even sizes
        c.height(gray16 ? height : height & ~1);
        c.pix_fmt(pixelFormat);
        c.time_base(timeBase);
        c.gop_size(frameRate > 0 ? Math.max(1, (int) Math.round(frameRate)) : 25);
        c.max_b_frames(0);
        c.thread_count(1);
        c.flags(c.flags() | AV_CODEC_FLAG_GLOBAL_HEADER); // the extradata (H.264's SPS/PPS) an MP4 needs
        if (codec.id() == AV_CODEC_ID_MJPEG) {
            c.qmin(2);
            c.qmax(4);
        }
        int ret = avcodec_open2(c, codec, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(c);
            throw new PacketDemuxer.Failure("camera " + cameraId + ": cannot open the " + codec.name().getString()
                    + " encoder for clips: " + PacketDemuxer.strerror(ret), true);
        }
        AVFrame frame = av_frame_alloc();
        frame.format(pixelFormat);
        frame.width(c.width());
        frame.height(c.height());
        av_frame_get_buffer(frame, 0);
        AVCodecParameters parameters = avcodec_parameters_alloc();
        avcodec_parameters_from_context(parameters, c);
        AVRational tb = c.time_base();
        PacketRing.Stream stream = new PacketRing.Stream(parameters, tb.num(), tb.den(),
                avcodec_get_name(codec.id()).getString());
        return new FrameEncoder(cameraId, c, frame, av_packet_alloc(), stream, ring);
    }

    /** The encoded stream, for {@link PacketRing#begin}. */
    PacketRing.Stream stream() {
        return stream;
    }

    /**
     * Encodes one decoded frame (any pixel format and size: converted and scaled to the encoder's)
     * at {@code pts} of the source's time base, and keeps the packets that come out in the ring.
     */
    void encode(AVFrame picture, long pts) throws PacketDemuxer.Failure {
        scaler = sws_getCachedContext(scaler, picture.width(), picture.height(), picture.format(), encoder.width(),
                encoder.height(), encoder.pix_fmt(), SWS_BILINEAR, null, null, (DoublePointer) null);
        check(av_frame_make_writable(converted));
        sws_scale(scaler, picture.data(), picture.linesize(), 0, picture.height(), converted.data(),
                converted.linesize());
        converted.pts(pts);
        check(avcodec_send_frame(encoder, converted));
        while (true) {
            int ret = avcodec_receive_packet(encoder, packet);
            if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF()) {
                return;
            }
            check(ret);
            ring.add(stream, packet.data(), packet.size(), packet.pts(), packet.dts(), packet.duration(),
                    (packet.flags() & AV_PKT_FLAG_KEY) != 0);
            av_packet_unref(packet);
        }
    }

    private void check(int ret) throws PacketDemuxer.Failure {
        if (ret < 0) {
            throw new PacketDemuxer.Failure("camera " + cameraId + ": cannot encode a frame for clips: "
                    + PacketDemuxer.strerror(ret), false);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scaler != null) {
            sws_freeContext(scaler);
            scaler = null;
        }
        av_packet_free(packet);
        av_frame_free(converted);
        avcodec_free_context(encoder);
    }
}
