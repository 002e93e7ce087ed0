package io.linewatch.capture;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import io.linewatch.pipeline.PacketRing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.Frame;

/**
 * One file's video stream in linewatch's hands: reads each packet once (av_read_frame), hands a copy
 * to a {@link PacketRing} when asked (or, for a source whose packets a clip cannot hold, has each
 * decoded frame encoded once by a {@link FrameEncoder}), sends it to the decoder and converts what
 * comes out (packed BGR, 16-bit gray, or yuv420p planes copied as the decoder gave them; scaled down
 * to the opened size when the stream grows). A non-blocking source (V4L2) with no frame yet is waited
 * for in short sleeps. Errors are FFmpeg's own
 * words ({@code av_strerror}). One thread; the {@link Frame} returned is reused by the next call.
 * Owns its native objects and frees them in reverse order in {@link #close()}.
 */
final class PacketDemuxer implements AutoCloseable {

    /** An FFmpeg failure in its own words; {@code atOpen} when the file could not be opened at all. */
    static final class Failure extends Exception {
        final boolean atOpen;

        Failure(String message, boolean atOpen) {
            super(message);
            this.atOpen = atOpen;
        }
    }

    /** Told once per new frame size larger than the opened one. */
    @FunctionalInterface
    interface GrowthListener {
        void grown(int width, int height, int scaledWidth, int scaledHeight);
    }

    private static final long NON_BLOCKING_WAIT_MILLIS = 5;
    private AVFormatContext format;
    private AVCodecContext decoder;
    private AVPacket packet;
    private AVFrame picture;
    private SwsContext scaler;
    private BytePointer pixels;
    private AVStream stream;
    private PacketRing.Stream ringStream;
    private AVCodecParameters keptParameters;
    private int streamIndex;
    private int width;
    private int height;
    private int outFormat;
    private int bytesPerPixel;
    private GrowthListener growth;
    private long lastGrownSize = -1;
    private PacketRing ring;
    private FrameEncoder encoder;
    private boolean draining;
    private final Frame frame = new Frame();
    private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
    private final IntPointer dstStride = new IntPointer(4);
    private ByteBuffer pixelView;
    /** Set when yuv420p frames are handed over unpacked, for the caller to copy (see {@link #handOverPlanes()}). */
    private DecodedPlanes planes;

    private PacketDemuxer() {
    }

    /**
     * Opens {@code url}'s best video stream and its decoder (one thread).
     *
     * @param sequenceRate frames per second of an image sequence, or null
     */
    static PacketDemuxer open(String url, Double sequenceRate) throws Failure {
        return open(url, null, sequenceRate == null ? java.util.Map.of() : java.util.Map.of("framerate",
                String.valueOf(sequenceRate)), null);
    }

    /**
     * Opens {@code url} (a live stream) with FFmpeg's {@code options}; {@code inputFormat} names the
     * demuxer (video4linux2) or is null to let FFmpeg probe; {@code abort}, when not null, can end a
     * blocking open or read from another thread.
     */
    static PacketDemuxer open(String url, String inputFormat, java.util.Map<String, String> options, AbortFlag abort)
            throws Failure {
        PacketDemuxer d = new PacketDemuxer();
        try {
            d.openInput(url, inputFormat, options, abort);
            return d;
        } catch (Failure e) {
            d.close();
            throw e;
        }
    }

    private void openInput(String url, String inputFormat, java.util.Map<String, String> settings, AbortFlag abort)
            throws Failure {
        format = avformat_alloc_context();
        if (abort != null) {
            abort.attach(format);
        }
        AVDictionary options = new AVDictionary(null);
        settings.forEach((k, v) -> av_dict_set(options, k, v, 0));
        int ret = avformat_open_input(format, url, inputFormat == null ? null : av_find_input_format(inputFormat),
                options);
        av_dict_free(options);
        if (ret < 0) {
            format = null;
            throw new Failure(strerror(ret), true);
        }
        check(avformat_find_stream_info(format, (PointerPointer<?>) null), true);
        streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0);
        if (streamIndex < 0) {
            throw new Failure("no video stream found (" + strerror(streamIndex) + ")", true);
        }
        stream = format.streams(streamIndex);
        AVCodecParameters par = stream.codecpar();
        AVCodec codec = avcodec_find_decoder(par.codec_id());
        if (codec == null) {
            throw new Failure("has no decoder for its " + avcodec_get_name(par.codec_id()).getString() + " video", true);
        }
        decoder = avcodec_alloc_context3(codec);
        check(avcodec_parameters_to_context(decoder, par), true);
        // One decoder thread: frame threading would hold frames back (latency) and compete with the
        // engine for cores; one camera's decode is a small share of a frame's cost.
        decoder.thread_count(1);
        check(avcodec_open2(decoder, codec, (AVDictionary) null), true);
        width = decoder.width();
        height = decoder.height();
        if (width <= 0 || height <= 0) {
            throw new Failure("has no video stream", false);
        }
        packet = av_packet_alloc();
        picture = av_frame_alloc();
        keptParameters = avcodec_parameters_alloc();
        avcodec_parameters_copy(keptParameters, par);
        AVRational tb = stream.time_base();
        ringStream = new PacketRing.Stream(keptParameters, tb.num(), tb.den(),
                avcodec_get_name(par.codec_id()).getString());
    }

    /**
     * Sets what {@link #next()} delivers: {@code pixelFormat} (packed BGR, 16-bit gray, or planar
     * yuv420p, which a yuv420p decoder's planes are copied into without conversion).
     */
    void decodeTo(int pixelFormat, int bytesPerPixel, GrowthListener growth) {
        this.outFormat = pixelFormat;
        this.bytesPerPixel = bytesPerPixel;
        this.growth = growth;
        int bytes = av_image_get_buffer_size(pixelFormat, width, height, 1);
        pixels = new BytePointer(av_malloc(bytes)).capacity(bytes);
        pixelView = pixels.asByteBuffer();
        frame.image = new java.nio.Buffer[] {pixelView};
        frame.imageDepth = bytesPerPixel == 2 ? Frame.DEPTH_USHORT : Frame.DEPTH_UBYTE;
        frame.imageChannels = pixelFormat == AV_PIX_FMT_BGR24 ? 3 : 1;
        frame.type = Frame.Type.VIDEO;
    }

    /**
     * From now on a yuv420p frame delivered without conversion is not packed into {@code image[0]}:
     * the returned frame's {@code opaque} is a {@link DecodedPlanes} to copy it from, straight from
     * the decoder's planes. Other frames (converted, scaled) are packed as before, with a null
     * {@code opaque}.
     */
    void handOverPlanes() {
        planes = new DecodedPlanes(picture);
    }

    /** Every packet read from now on is also kept in {@code ring}. */
    void keepPackets(PacketRing packets) {
        this.ring = packets;
    }

    /**
     * Every frame decoded from now on is also encoded by {@code frames} (a source whose own packets
     * a clip cannot hold). An encoder that fails is dropped with one log line; the frames go on.
     */
    void encodeFrames(FrameEncoder frames) {
        this.encoder = frames;
    }

    /** The stream's time base (the frames' timestamps). */
    AVRational timeBase() {
        return stream.time_base();
    }

    /** The stream's codec parameters and time base, for clips (kept for the demuxer's life). */
    PacketRing.Stream stream() {
        return ringStream;
    }

    /** The stream's first timestamp in microseconds (0 when it declares none). */
    long startMicros() {
        return stream.start_time() == AV_NOPTS_VALUE ? 0 : ringStream.toMicros(stream.start_time());
    }

    int sourcePixelFormat() {
        return decoder.pix_fmt();
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** The declared average frame rate, else the stream's base rate; 0 when unknown. */
    double frameRate() {
        AVRational r = stream.avg_frame_rate();
        if (r.num() <= 0 || r.den() <= 0) {
            r = stream.r_frame_rate();
        }
        return r.num() > 0 && r.den() > 0 ? av_q2d(r) : 0;
    }

    /** The frames the container declares (or its duration at the frame rate); 0 when unknown. */
    long lengthInFrames() {
        if (stream.nb_frames() > 0) {
            return stream.nb_frames();
        }
        long duration = format.duration();
        return duration > 0 ? Math.round(duration / (double) AV_TIME_BASE * frameRate()) : 0;
    }

    /** The next decoded frame, converted; null at the end. */
    Frame next() throws Failure {
        while (true) {
            int ret = avcodec_receive_frame(decoder, picture);
            if (ret >= 0) {
                encode();
                return convert();
            }
            if (ret == AVERROR_EOF()) {
                return null;
            }
            if (ret != AVERROR_EAGAIN()) {
                throw new Failure(strerror(ret), false);
            }
            if (draining) {
                return null;
            }
            sendNextPacket();
        }
    }

    private void encode() {
        if (encoder == null) {
            return;
        }
        try {
            encoder.encode(picture, picture.best_effort_timestamp());
        } catch (Failure e) {
            org.slf4j.LoggerFactory.getLogger(PacketDemuxer.class).warn("{}; no more clips from it until it opens"
                    + " again", e.getMessage());
            encoder.close();
            encoder = null;
        }
    }

    /** Reads the next video packet, keeps it, sends it to the decoder; at the end, flushes the decoder. */
    private void sendNextPacket() {
        while (true) {
            int ret = av_read_frame(format, packet);
            if (ret == AVERROR_EAGAIN() && waitForNonBlockingSource()) {
                continue;
            }
            if (ret < 0) {
                // The end, or a read error: either way the decoder gives what it holds (as JavaCV did).
                avcodec_send_packet(decoder, null);
                draining = true;
                return;
            }
            if (packet.stream_index() != streamIndex) {
                av_packet_unref(packet);
                continue;
            }
            if (ring != null) {
                ring.add(ringStream, packet.data(), packet.size(), packet.pts(), packet.dts(), packet.duration(),
                        (packet.flags() & AV_PKT_FLAG_KEY) != 0);
            }
            // A packet the decoder refuses costs its frame only; the next ones go on (as JavaCV did).
            avcodec_send_packet(decoder, packet);
            av_packet_unref(packet);
            return;
        }
    }

    /** A non-blocking source (V4L2) has no frame yet: waits a little; false when interrupted (stop). */
    private static boolean waitForNonBlockingSource() {
        try {
            Thread.sleep(NON_BLOCKING_WAIT_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the stream's packets are raw pictures (a raw V4L2 format), which a clip cannot hold. */
    boolean rawPictures() {
        return stream.codecpar().codec_id() == AV_CODEC_ID_RAWVIDEO;
    }

    private Frame convert() {
        int w = picture.width();
        int h = picture.height();
        int outW = w;
        int outH = h;
        if ((long) w * h > (long) width * height) {
            double s = Math.min(width / (double) w, height / (double) h);
            outW = Math.max(1, (int) Math.floor(w * s));
            outH = Math.max(1, (int) Math.floor(h * s));
            long size = (long) w << 32 | h;
            if (size != lastGrownSize && growth != null) {
                lastGrownSize = size;
                growth.grown(w, h, outW, outH);
            }
        }
        frame.opaque = null;
        boolean asDecoded = outFormat == AV_PIX_FMT_YUV420P && picture.format() == AV_PIX_FMT_YUV420P && outW == w
                && outH == h;
        if (asDecoded && planes != null) {
            // The decoder's own planes, left where they are for the caller's one copy.
            planes.size(w, h);
            frame.opaque = planes;
        } else if (asDecoded) {
            // The decoder's own planes, packed: no colour conversion, no scaler.
            av_image_copy_to_buffer(pixels, (int) pixels.capacity(), picture.data(), picture.linesize(), outFormat, w,
                    h, 1);
        } else {
            scaler = sws_getCachedContext(scaler, w, h, picture.format(), outW, outH, outFormat, SWS_BILINEAR, null,
                    null, (DoublePointer) null);
            av_image_fill_arrays(dstData, dstStride, pixels, outFormat, outW, outH, 1);
            sws_scale(scaler, picture.data(), picture.linesize(), 0, h, dstData, dstStride);
        }
        long pts = picture.best_effort_timestamp();
        AVRational tb = stream.time_base();
        frame.timestamp = pts == AV_NOPTS_VALUE ? 0 : 1_000_000L * pts * tb.num() / tb.den();
        frame.imageWidth = outW;
        frame.imageHeight = outH;
        frame.imageStride = outW * bytesPerPixel;
        frame.keyFrame = (picture.flags() & (1 << 1)) != 0; // AV_FRAME_FLAG_KEY;
        pixelView.clear();
        return frame;
    }

    /** Back to the start of the file (a looped camera). */
    void rewind() throws Failure {
        long start = stream.start_time() == AV_NOPTS_VALUE ? 0 : stream.start_time();
        check(av_seek_frame(format, streamIndex, start, AVSEEK_FLAG_BACKWARD), false);
        avcodec_flush_buffers(decoder);
        draining = false;
    }

    private static void check(int ret, boolean atOpen) throws Failure {
        if (ret < 0) {
            throw new Failure(strerror(ret), atOpen);
        }
    }

    /** FFmpeg's own words for an error code ("No such file or directory", "Invalid data found ..."). */
    static String strerror(int code) {
        byte[] text = new byte[256];
        if (av_strerror(code, text, text.length) < 0) {
            return "error " + code;
        }
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (scaler != null) {
            sws_freeContext(scaler);
            scaler = null;
        }
        if (pixels != null) {
            av_free(pixels);
            pixels = null;
        }
        if (picture != null) {
            av_frame_free(picture);
            picture = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (decoder != null) {
            avcodec_free_context(decoder);
            decoder = null;
        }
        if (format != null) {
            avformat_close_input(format);
            format = null;
        }
        // keptParameters outlive the demuxer: a clip being written may still use them. They are small
        // (extradata), one per open, and left to the JVM's pointer deallocator.
    }
}
