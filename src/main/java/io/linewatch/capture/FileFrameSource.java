package io.linewatch.capture;

import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.PacketRing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recorded video file decoded by FFmpeg, optionally looped: into BGR frames, into I420 planes (a
 * yuv420p stream's planes as decoded; other formats such as 10-bit, full-range or NV12 converted to
 * them by FFmpeg's scaler), or, for a thermal camera, into 16-bit little-endian gray samples
 * (radiometric counts). A 16-bit source must be 16-bit
 * gray already (gray16le/gray16be: FFV1 or raw video, or a 16-bit PGM/TIFF sequence named by an
 * image2 pattern such as {@code frames/%05d.pgm}); anything else is refused at open, since FFmpeg
 * would otherwise scale 8-bit video up to 16 bits without a word. A file that ends well before the
 * length it declares (truncated) is reported in one log line. Demuxed and decoded by linewatch
 * ({@link PacketDemuxer}): each packet is read once, kept for clips when asked ({@link #keepPackets}),
 * and sent to the decoder; an image sequence, which has no packets a clip could hold, has its frames
 * encoded once instead ({@link FrameEncoder}). A frame larger than the size the file opened at is
 * scaled to fit it.
 */
public final class FileFrameSource implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(FileFrameSource.class);
    /** A file that delivers less than this share of the frames it declares is called truncated. */
    private static final double TRUNCATED_SHARE = 0.9;

    /** An image2 sequence pattern: {@code %d}, {@code %05d}. */
    private static final Pattern SEQUENCE = Pattern.compile("%0?\\d*d");
    /** image2 looks for a sequence's first file among these numbers. */
    private static final int SEQUENCE_FIRST_NUMBERS = 5;

    private final String cameraId;
    private final Path file;
    private final boolean loop;
    private final FrameEvent.PixelFormat format;
    private final Double sequenceFrameRate;
    private PacketDemuxer demuxer;
    private boolean planesHandedOver;
    private FrameEncoder encoder;
    private java.util.function.Consumer<String> notes = this::logNote;
    /** Whether this source has taken its ring over (its first frame was read). */
    private boolean ringBegun;
    private PacketRing packets;
    private int width;
    private int height;
    private long framesRead;
    /** The last frame's timestamp and the kept packets' shift onto the media clock (see {@link MediaClock}). */
    private long lastTimestampMicros;
    private long packetOffsetMicros;

    /** A file decoded into BGR frames. */
    public FileFrameSource(String cameraId, Path file, boolean loop) {
        this(cameraId, file, loop, FrameEvent.PixelFormat.BGR24, null);
    }

    /**
     * @param format            BGR24, I420, or GRAY16 for a radiometric (thermal) camera
     * @param sequenceFrameRate frames per second of an image sequence (FFmpeg's default is 25), or
     *                          null; a video file keeps its own rate
     */
    public FileFrameSource(String cameraId, Path file, boolean loop, FrameEvent.PixelFormat format,
                           Double sequenceFrameRate) {
        this.cameraId = cameraId;
        this.file = file;
        this.loop = loop;
        this.format = format;
        this.sequenceFrameRate = sequenceFrameRate;
    }

    /**
     * Keeps every packet read from the file in {@code ring} (for clips) before it goes to the
     * decoder; call before {@link #open()}. Null: none kept.
     */
    public void keepPackets(PacketRing ring) {
        this.packets = ring;
    }

    @Override
    public void handOverPlanes() {
        planesHandedOver = true;
    }

    @Override
    public void open() throws CaptureException {
        if (!exists()) {
            throw new CaptureException("camera " + cameraId + ": cannot open " + file + ": no such file", null);
        }
        FFmpegQuiet.install();
        try {
            demuxer = PacketDemuxer.open(file.toString(), isSequence() ? sequenceFrameRate : null);
        } catch (PacketDemuxer.Failure e) {
            throw new CaptureException("camera " + cameraId + ": "
                    + (e.atOpen ? "cannot open " + file + ": " : file + " ") + e.getMessage(), null);
        }
        if (format == FrameEvent.PixelFormat.GRAY16) {
            int pixelFormat = demuxer.sourcePixelFormat();
            if (pixelFormat != avutil.AV_PIX_FMT_GRAY16LE && pixelFormat != avutil.AV_PIX_FMT_GRAY16BE) {
                close();
                throw new CaptureException("camera " + cameraId + ": " + file + " holds " + describe(pixelFormat)
                        + "; a thermal camera needs 16-bit gray radiometric frames (gray16le or gray16be: FFV1 or raw"
                        + " video, a 16-bit PGM or TIFF sequence), never frames scaled up from fewer bits", null);
            }
        }
        width = demuxer.width();
        height = demuxer.height();
        demuxer.decodeTo(switch (format) {
            case GRAY16 -> avutil.AV_PIX_FMT_GRAY16LE;
            case I420 -> avutil.AV_PIX_FMT_YUV420P;
            case BGR24 -> avutil.AV_PIX_FMT_BGR24;
        }, format.bytesPerPixel(), this::grown);
        if (planesHandedOver) {
            demuxer.handOverPlanes();
        }
        if (packets != null) {
            keepPacketsOrEncode();
        }
    }

    /**
     * A video file's own packets go into the ring; an image sequence has none a clip could hold, so
     * its frames are encoded once ({@link FrameEncoder}: FFV1 for 16-bit gray, else H.264). The ring
     * begins with the first frame read ({@link #next()}), on the capture thread: a camera prepared by a
     * reload takes the ring over only when it runs, never while the camera it replaces still fills it.
     */
    private void keepPacketsOrEncode() throws CaptureException {
        if (!isSequence()) {
            demuxer.keepPackets(packets);
            return;
        }
        try {
            encoder = FrameEncoder.open(cameraId, width, height, format == FrameEvent.PixelFormat.GRAY16,
                    demuxer.timeBase(), demuxer.frameRate(), packets);
        } catch (PacketDemuxer.Failure e) {
            close();
            throw new CaptureException(e.getMessage(), null);
        }
        demuxer.encodeFrames(encoder);
    }

    /** The stream the ring's packets belong to: the file's own, or the encoder's. */
    private PacketRing.Stream keptStream() {
        return encoder != null ? encoder.stream() : demuxer.stream();
    }

    /**
     * Where a looped file's kept packets go on the media clock after a rewind: as {@link MediaClock}
     * carries the frames on, one frame after the last, so packets and frames keep one time line.
     */
    private long loopOffsetMicros() {
        double fps = demuxer.frameRate();
        long frameMicros = fps > 0 ? Math.round(1e6 / fps) : 40_000;
        packetOffsetMicros = lastTimestampMicros + packetOffsetMicros + frameMicros - demuxer.startMicros();
        return packetOffsetMicros;
    }

    /**
     * One line for each new size larger than the opened one, its frames scaled to fit: to the state
     * notes (the camera's state message and log line), else the log.
     */
    private void grown(int newWidth, int newHeight, int scaledWidth, int scaledHeight) {
        notes.accept(String.format(Locale.ROOT, "from frame %d the source delivers %dx%d, more than it opened at"
                + " (%dx%d); such frames are scaled to %dx%d", framesRead, newWidth, newHeight, width, height,
                scaledWidth, scaledHeight));
    }

    private void logNote(String line) {
        LOG.warn("camera {}: {}", cameraId, line);
    }

    @Override
    public void stateNotes(java.util.function.Consumer<String> stateNotes) {
        this.notes = stateNotes;
    }

    private boolean isSequence() {
        return SEQUENCE.matcher(file.getFileName().toString()).find();
    }

    /** The file, or for an image sequence its first file (numbered as image2 looks for it). */
    private boolean exists() {
        if (!isSequence()) {
            return Files.isRegularFile(file);
        }
        String name = file.getFileName().toString();
        try {
            for (int n = 0; n < SEQUENCE_FIRST_NUMBERS; n++) {
                if (Files.isRegularFile(file.resolveSibling(String.format(Locale.ROOT, name, n)))) {
                    return true;
                }
            }
        } catch (java.util.IllegalFormatException e) {
            return false; // a name with other % directives than the number's
        }
        return false;
    }

    /** "8-bit yuv420p", from FFmpeg's description of a pixel format. */
    private static String describe(int pixelFormat) {
        AVPixFmtDescriptor d = avutil.av_pix_fmt_desc_get(pixelFormat);
        if (d == null) {
            return "pixel format " + pixelFormat;
        }
        return d.comp(0).depth() + "-bit " + d.name().getString() + " frames";
    }

    /** The width the file opened with; larger frames later are scaled to fit it. */
    @Override
    public int width() {
        return width;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public double frameRate() {
        return demuxer.frameRate();
    }

    @Override
    public FrameEvent.PixelFormat pixelFormat() {
        return format;
    }

    @Override
    public Frame next() throws CaptureException {
        try {
            if (packets != null && !ringBegun) {
                packets.begin(keptStream());
                ringBegun = true;
            }
            Frame frame = demuxer.next();
            if (frame == null) {
                reportIfTruncated();
            }
            if (frame == null && loop) {
                demuxer.rewind();
                if (packets != null) {
                    packets.begin(keptStream(), loopOffsetMicros());
                }
                frame = demuxer.next();
            }
            if (frame != null) {
                lastTimestampMicros = frame.timestamp;
            }
            if (frame == null && packets != null) {
                packets.end(keptStream());
            }
            framesRead++;
            return frame;
        } catch (PacketDemuxer.Failure e) {
            throw new CaptureException("camera " + cameraId + ": cannot decode " + file + ": " + e.getMessage(), e);
        }
    }

    private void reportIfTruncated() {
        long declared = demuxer.lengthInFrames();
        if (framesRead > 0 && declared > 0 && framesRead < declared * TRUNCATED_SHARE) {
            LOG.warn("camera {}: {} ended after {} frames of the {} it declares: the file is truncated", cameraId,
                    file, framesRead, declared);
        }
        framesRead = Long.MIN_VALUE; // once per file, not per loop
    }

    @Override
    public void close() {
        if (packets != null && ringBegun && demuxer != null) {
            packets.end(keptStream());
        }
        if (demuxer != null) {
            demuxer.close();
            demuxer = null;
        }
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
    }
}
