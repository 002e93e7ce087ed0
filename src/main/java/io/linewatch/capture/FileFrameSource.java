package io.linewatch.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/** A recorded video file decoded by FFmpeg into BGR frames, optionally looped. */
public final class FileFrameSource implements FrameSource {

    private final String cameraId;
    private final Path file;
    private final boolean loop;
    private FFmpegFrameGrabber grabber;

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
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            close();
            throw new CaptureException("camera " + cameraId + ": " + file + " has no video stream", null);
        }
    }

    @Override
    public int width() {
        return grabber.getImageWidth();
    }

    @Override
    public int height() {
        return grabber.getImageHeight();
    }

    @Override
    public double frameRate() {
        return grabber.getFrameRate();
    }

    @Override
    public Frame next() throws CaptureException {
        try {
            Frame frame = grabber.grabImage();
            if (frame == null && loop) {
                grabber.setTimestamp(0);
                frame = grabber.grabImage();
            }
            return frame;
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new CaptureException("camera " + cameraId + ": cannot decode " + file + ": "
                    + FFmpegQuiet.reason(e), e);
        }
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
