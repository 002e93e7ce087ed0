package io.linewatch.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recorded video file decoded by FFmpeg into BGR frames, optionally looped. A file that ends well
 * before the length it declares (truncated) is reported in one log line.
 */
public final class FileFrameSource implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(FileFrameSource.class);
    /** A file that delivers less than this share of the frames it declares is called truncated. */
    private static final double TRUNCATED_SHARE = 0.9;

    private final String cameraId;
    private final Path file;
    private final boolean loop;
    private FFmpegFrameGrabber grabber;
    private int width;
    private int height;
    private long framesRead;

    public FileFrameSource(String cameraId, Path file, boolean loop) {
        this.cameraId = cameraId;
        this.file = file;
        this.loop = loop;
    }

    @Override
    public void open() throws CaptureException {
        if (!Files.isRegularFile(file)) {
            throw new CaptureException("camera " + cameraId + ": cannot open " + file + ": no such file", null);
        }
        FFmpegQuiet.install();
        grabber = new FFmpegFrameGrabber(file.toFile());
        grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        // One decoder thread: frame threading would hold frames back (latency) and compete with the
        // engine for cores; one camera's decode is a small share of a frame's cost.
        grabber.setVideoOption("threads", "1");
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
            try {
                grabber.close();
            } catch (FrameGrabber.Exception e) {
                // closing after a failure: nothing more to report
            }
            grabber = null;
        }
    }
}
