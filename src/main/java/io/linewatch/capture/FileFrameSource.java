package io.linewatch.capture;

import io.linewatch.pipeline.FrameEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recorded video file decoded by FFmpeg, optionally looped: into BGR frames, or, for a thermal
 * camera, into 16-bit little-endian gray samples (radiometric counts). A 16-bit source must be 16-bit
 * gray already (gray16le/gray16be: FFV1 or raw video, or a 16-bit PGM/TIFF sequence named by an
 * image2 pattern such as {@code frames/%05d.pgm}); anything else is refused at open, since FFmpeg
 * would otherwise scale 8-bit video up to 16 bits without a word. A file that ends well before the
 * length it declares (truncated) is reported in one log line.
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
    private FFmpegFrameGrabber grabber;
    private int width;
    private int height;
    private long framesRead;

    /** A file decoded into BGR frames. */
    public FileFrameSource(String cameraId, Path file, boolean loop) {
        this(cameraId, file, loop, FrameEvent.PixelFormat.BGR24, null);
    }

    /**
     * @param format            BGR24, or GRAY16 for a radiometric (thermal) camera
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

    @Override
    public void open() throws CaptureException {
        if (!exists()) {
            throw new CaptureException("camera " + cameraId + ": cannot open " + file + ": no such file", null);
        }
        FFmpegQuiet.install();
        if (format == FrameEvent.PixelFormat.GRAY16) {
            requireGray16();
        }
        grabber = newGrabber();
        grabber.setPixelFormat(format == FrameEvent.PixelFormat.GRAY16 ? avutil.AV_PIX_FMT_GRAY16LE
                : avutil.AV_PIX_FMT_BGR24);
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            close();
            throw new CaptureException("camera " + cameraId + ": cannot open " + file + ": "
                    + FFmpegQuiet.reason(e), e);
        }
        width = grabber.getImageWidth();
        height = grabber.getImageHeight();
        if (width <= 0 || height <= 0) {
            close();
            throw new CaptureException("camera " + cameraId + ": " + file + " has no video stream", null);
        }
    }

    private FFmpegFrameGrabber newGrabber() {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
        // One decoder thread: frame threading would hold frames back (latency) and compete with the
        // engine for cores; one camera's decode is a small share of a frame's cost.
        g.setVideoOption("threads", "1");
        if (isSequence() && sequenceFrameRate != null) {
            g.setFrameRate(sequenceFrameRate);
        }
        return g;
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

    /**
     * Refuses a source whose own pixel format is not 16-bit gray: decoded as it is (no conversion
     * asked for), the decoder says what the file holds.
     */
    private void requireGray16() throws CaptureException {
        FFmpegFrameGrabber probe = newGrabber();
        probe.setImageMode(FrameGrabber.ImageMode.RAW);
        int pixelFormat;
        try {
            probe.start();
            pixelFormat = probe.getPixelFormat();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new CaptureException("camera " + cameraId + ": cannot open " + file + ": "
                    + FFmpegQuiet.reason(e), e);
        } finally {
            closeQuietly(probe);
        }
        if (pixelFormat < 0) {
            throw new CaptureException("camera " + cameraId + ": " + file + " has no video stream", null);
        }
        if (pixelFormat != avutil.AV_PIX_FMT_GRAY16LE && pixelFormat != avutil.AV_PIX_FMT_GRAY16BE) {
            throw new CaptureException("camera " + cameraId + ": " + file + " holds " + describe(pixelFormat)
                    + "; a thermal camera needs 16-bit gray radiometric frames (gray16le or gray16be: FFV1 or raw"
                    + " video, a 16-bit PGM or TIFF sequence), never frames scaled up from fewer bits", null);
        }
    }

    /** "8-bit yuv420p", from FFmpeg's description of a pixel format. */
    private static String describe(int pixelFormat) {
        AVPixFmtDescriptor d = avutil.av_pix_fmt_desc_get(pixelFormat);
        if (d == null) {
            return "pixel format " + pixelFormat;
        }
        return d.comp(0).depth() + "-bit " + d.name().getString() + " frames";
    }

    /** The width the file opened with; a stream that changes resolution later may deliver others. */
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
        return grabber.getFrameRate();
    }

    @Override
    public FrameEvent.PixelFormat pixelFormat() {
        return format;
    }

    @Override
    public Frame next() throws CaptureException {
        try {
            Frame frame = grabber.grabImage();
            if (frame == null) {
                reportIfTruncated();
            }
            if (frame == null && loop) {
                grabber.setTimestamp(0);
                frame = grabber.grabImage();
            }
            framesRead++;
            return frame;
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new CaptureException("camera " + cameraId + ": cannot decode " + file + ": "
                    + FFmpegQuiet.reason(e), e);
        }
    }

    private void reportIfTruncated() {
        long declared = grabber.getLengthInFrames();
        if (framesRead > 0 && declared > 0 && framesRead < declared * TRUNCATED_SHARE) {
            LOG.warn("camera {}: {} ended after {} frames of the {} it declares: the file is truncated", cameraId,
                    file, framesRead, declared);
        }
        framesRead = Long.MIN_VALUE; // once per file, not per loop
    }

    @Override
    public void close() {
        if (grabber != null) {
            closeQuietly(grabber);
            grabber = null;
        }
    }

    private static void closeQuietly(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (FrameGrabber.Exception e) {
            // closing after a failure: nothing more to report
        }
    }
}
