package io.linewatch.capture;

import io.linewatch.config.CameraConfig;
import io.linewatch.config.SourceKind;
import io.linewatch.pipeline.FrameEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import io.linewatch.pipeline.PacketRing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.Frame;

/**
 * A live camera decoded by FFmpeg into BGR frames, or a radiometric V4L2 camera (the PureThermal /
 * Lepton family) asked for {@code Y16} and read as 16-bit little-endian gray samples: an RTSP URL
 * (RTP over TCP or UDP, FFmpeg's socket timeout from {@code connect_timeout_ms}) or a V4L2 device
 * (opened non-blocking, so a device that stops delivering does not hold a read forever). Opened and
 * closed again on every reconnection, by the camera's capture thread only; {@link #abort()} from any
 * thread.
 *
 * <p>Demuxed and decoded by linewatch ({@link PacketDemuxer}): blocking reads end through FFmpeg's
 * own timeouts, its interrupt callback (an {@link AbortFlag}) and, for non-blocking V4L2 reads, an
 * interrupt of the capture thread; a stream that grows past the size it opened at is scaled into it,
 * said once in the log and once as a state note. A camera that keeps its packets for clips ({@link
 * #keepPackets}) has a copy of each packet put into the ring (its times moved onto the camera's media
 * clock when the connection opens) before it goes to the decoder. Frames' media times are their own
 * timestamps on that clock ({@link #mediaMicros}), so a clip and its alarm agree to the frame. A V4L2
 * camera in a raw format (YUYV, Y16, ...) has no packets a clip could hold: its frames are encoded
 * once instead, by the encoder image sequences use ({@link FrameEncoder}; no device here to test this
 * path with).
 */
public final class LiveFrameSource implements FrameSource {

    /** FFmpeg's name for V4L2's {@code Y16}: one 16-bit little-endian sample a pixel. */
    private static final String V4L2_Y16 = "gray16le";
    private static final Logger LOG = LoggerFactory.getLogger(LiveFrameSource.class);

    private final CameraConfig camera;
    private final FrameEvent.PixelFormat format;
    private final AbortFlag abortFlag = new AbortFlag();
    private PacketRing packets;
    private LongSupplier mediaClock = () -> System.nanoTime() / 1000;
    private PacketDemuxer demuxer;
    private boolean planesHandedOver;
    private FrameEncoder encoder;
    private java.util.function.Consumer<String> notes = this::logNote;
    private long offsetMicros;

    /** A camera decoded into BGR frames. */
    public LiveFrameSource(CameraConfig camera) {
        this(camera, FrameEvent.PixelFormat.BGR24);
    }

    /**
     * @param format BGR24; I420 (the decoder's planes, for detection: no full-size colour conversion);
     *               or GRAY16 for a radiometric V4L2 camera (Y16)
     */
    public LiveFrameSource(CameraConfig camera, FrameEvent.PixelFormat format) {
        if (!camera.kind().live()) {
            throw new IllegalArgumentException("not a live source: " + camera.source());
        }
        if (format == FrameEvent.PixelFormat.GRAY16 && camera.kind() != SourceKind.V4L2) {
            throw new IllegalArgumentException("16-bit frames come from V4L2 devices only: " + camera.source());
        }
        this.camera = camera;
        this.format = format;
    }

    /**
     * Keeps every packet of the camera in {@code ring} (for clips), or for a raw V4L2 format its
     * frames encoded once, from the next {@link #open()} on; null: none kept.
     */
    public void keepPackets(PacketRing ring) {
        this.packets = ring;
    }

    private void logNote(String line) {
        LOG.warn("camera {}: {}", camera.id(), line);
    }

    @Override
    public void stateNotes(java.util.function.Consumer<String> stateNotes) {
        this.notes = stateNotes;
    }

    /** The camera's media clock (microseconds), which kept packets' times are moved onto. */
    void mediaClock(LongSupplier clock) {
        this.mediaClock = clock;
    }

    /** The media time of {@code frame}: its own timestamp, on the camera's media clock. */
    long mediaMicros(Frame frame) {
        return frame.timestamp + offsetMicros;
    }

    @Override
    public void handOverPlanes() {
        planesHandedOver = true;
    }

    @Override
    public void open() throws CaptureException {
        abortFlag.clear();
        openDemuxer();
    }

    private void openDemuxer() throws CaptureException {
        boolean v4l2 = camera.kind() == SourceKind.V4L2;
        if (v4l2 && !Files.exists(Path.of(camera.source()))) {
            throw new CaptureException("camera " + camera.id() + ": cannot open " + camera.source()
                    + ": no such device", null);
        }
        FFmpegQuiet.install();
        try {
            demuxer = PacketDemuxer.open(camera.source(), v4l2 ? "video4linux2" : null,
                    v4l2 ? v4l2Options() : rtspOptions(), abortFlag);
        } catch (PacketDemuxer.Failure e) {
            throw new CaptureException("camera " + camera.id() + ": cannot open " + where() + ": " + e.getMessage(), null);
        }
        boolean gray16 = format == FrameEvent.PixelFormat.GRAY16;
        if (gray16 && demuxer.sourcePixelFormat() != avutil.AV_PIX_FMT_GRAY16LE) {
            int delivered = demuxer.sourcePixelFormat();
            close();
            throw new CaptureException("camera " + camera.id() + ": " + where() + " delivers "
                    + (delivered < 0 ? "an unknown format" : avutil.av_get_pix_fmt_name(delivered).getString())
                    + ", not Y16 (gray16le); a thermal camera needs its 16-bit radiometric frames", null);
        }
        demuxer.decodeTo(switch (format) {
            case GRAY16 -> avutil.AV_PIX_FMT_GRAY16LE;
            case I420 -> avutil.AV_PIX_FMT_YUV420P;
            case BGR24 -> avutil.AV_PIX_FMT_BGR24;
        }, format.bytesPerPixel(),
                (w, h, sw, sh) -> notes.accept(String.format(Locale.ROOT, "%s delivers %dx%d, more than it opened"
                        + " at; such frames are scaled to %dx%d", where(), w, h, sw, sh)));
        if (planesHandedOver) {
            demuxer.handOverPlanes();
        }
        offsetMicros = mediaClock.getAsLong() - demuxer.startMicros();
        if (packets == null) {
            return; // clips off: decoded only
        }
        if (demuxer.rawPictures()) {
            encodeFrames(gray16);
        } else {
            packets.begin(demuxer.stream(), offsetMicros);
            demuxer.keepPackets(packets);
        }
    }

    /** A raw format's frames, encoded once for clips (FFV1 for Y16, else H.264). */
    private void encodeFrames(boolean gray16) throws CaptureException {
        try {
            encoder = FrameEncoder.open(camera.id(), demuxer.width(), demuxer.height(), gray16, demuxer.timeBase(),
                    demuxer.frameRate(), packets);
        } catch (PacketDemuxer.Failure e) {
            close();
            throw new CaptureException(e.getMessage(), null);
        }
        packets.begin(encoder.stream(), offsetMicros);
        demuxer.encodeFrames(encoder);
    }

    private Map<String, String> rtspOptions() {
        return Map.of("rtsp_transport", camera.rtspTransport().name().toLowerCase(Locale.ROOT),
                "timeout", Long.toString(camera.connectTimeoutMs() * 1000L), "allowed_media_types", "video");
    }

    /** The V4L2 device's options: non-blocking reads, and the size, rate and format the camera asks for. */
    private Map<String, String> v4l2Options() {
        Map<String, String> options = new java.util.HashMap<>();
        options.put("fflags", "nonblock");
        if (camera.width() != null) {
            options.put("video_size", camera.width() + "x" + camera.height());
        }
        if (camera.frameRate() != null) {
            options.put("framerate", Double.toString(camera.frameRate()));
        }
        if (format == FrameEvent.PixelFormat.GRAY16) {
            options.put("input_format", V4L2_Y16);
        } else if (camera.inputFormat() != null) {
            options.put("input_format", camera.inputFormat());
        }
        return options;
    }

    @Override
    public int width() {
        return demuxer.width();
    }

    @Override
    public int height() {
        return demuxer.height();
    }

    @Override
    public double frameRate() {
        return demuxer.frameRate();
    }

    @Override
    public FrameEvent.PixelFormat pixelFormat() {
        return format;
    }

    /** The next frame, or {@code null} when the stream ended, failed or was aborted. */
    @Override
    public Frame next() throws CaptureException {
        try {
            return demuxer.next();
        } catch (PacketDemuxer.Failure e) {
            throw new CaptureException("camera " + camera.id() + ": cannot decode " + where() + ": "
                    + e.getMessage(), null);
        }
    }

    /** Makes a blocking open-ended FFmpeg read give up soon (any thread). */
    public void abort() {
        abortFlag.raise();
    }

    /** Closes the connection; the source may be opened again. */
    @Override
    public void close() {
        if (demuxer != null) {
            if (packets != null) {
                packets.end(encoder != null ? encoder.stream() : demuxer.stream());
            }
            demuxer.close();
            demuxer = null;
        }
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }

    /** Frees what outlives connections; the source is not opened again. */
    public void dispose() {
        close();
        abortFlag.close();
    }

    /** The source without credentials, for log lines. */
    public String where() {
        return camera.source().replaceFirst("^(rtsps?://)[^/@]*@", "$1***@");
    }
}
