package io.linewatch.config;

/** The kinds of frame source, told apart by a camera's {@code source} string. */
public enum SourceKind {
    /** A recorded video file: any path that is not one of the others. */
    FILE,
    /** An RTSP camera: {@code rtsp://} or {@code rtsps://} URL. */
    RTSP,
    /** A V4L2 (USB) device: {@code /dev/video...}. */
    V4L2;

    /** The kind of {@code source}. */
    public static SourceKind of(String source) {
        if (source == null) {
            return FILE;
        }
        if (source.startsWith("rtsp://") || source.startsWith("rtsps://")) {
            return RTSP;
        }
        return source.startsWith("/dev/video") ? V4L2 : FILE;
    }

    /** Live sources are paced by the camera and reconnect when they stall. */
    public boolean live() {
        return this != FILE;
    }
}
