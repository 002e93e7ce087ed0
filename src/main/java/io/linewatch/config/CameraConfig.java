package io.linewatch.config;

import java.util.List;

/**
 * One frame source: a video file, an RTSP camera or a V4L2 (USB) device, told apart by {@link
 * #kind()}. The live keys apply to RTSP and V4L2 sources only; a file ignores them.
 *
 * @param id               camera id, unique, used in topics, events and logs
 * @param source           a video file path, an {@code rtsp://} URL or a {@code /dev/videoN} device
 * @param model            name of the model in {@code models} that this camera's frames go to
 * @param pacing           files: {@code realtime}: frames are delivered at the clip's own rate, as a
 *                         live camera would; {@code fast}: as fast as the pipeline takes them
 * @param loop             files: restart at the end instead of stopping
 * @param rtspTransport    RTSP: RTP over the RTSP connection ({@code tcp}) or over UDP
 * @param connectTimeoutMs RTSP: FFmpeg's socket timeout: TCP connect, each reply of the RTSP
 *                         handshake and, over TCP, each read of the stream
 * @param stallTimeoutMs   live: no frame for this long and the camera is stalled, closed and
 *                         reconnected; also the longest wait for the first frame of a connection
 * @param reconnectMinMs   live: the first back-off before reconnecting
 * @param reconnectMaxMs   live: the longest back-off; each failed attempt doubles it up to this
 * @param width            live: frame width; sizes the ring's slots before the first connection and,
 *                         for V4L2, asks the device for this size
 * @param height           live: frame height, as {@code width}
 * @param frameRate        V4L2: frames per second to ask the device for; an image sequence
 *                         ({@code frames/%05d.pgm}): its frame rate (FFmpeg's default is 25)
 * @param inputFormat      V4L2: the device's pixel format or codec to ask for ({@code mjpeg},
 *                         {@code yuyv422}, ...); a thermal camera reads {@code y16}
 * @param maxFrameAgeMs    this camera's own {@code pipeline.max_frame_age_ms}, or null for the
 *                         pipeline's
 * @param thermal          cameras of a thermal model: how counts become temperatures
 * @param inspection       cameras of a segmentation model: the surface scale
 * @param counters         cameras of a detection model: counting lines
 * @param classification   cameras of a classification model: the regions classified
 * @param inferFps         frames inferred per second of the source's clock (every frame is still
 *                         decoded and kept for clips), or null for every frame
 * @param motionGate       skip inference on frames that barely differ from the last inferred one,
 *                         or null for no gate
 */
public record CameraConfig(
        String id,
        String source,
        String model,
        Pacing pacing,
        Boolean loop,
        RtspTransport rtspTransport,
        Integer connectTimeoutMs,
        Integer stallTimeoutMs,
        Integer reconnectMinMs,
        Integer reconnectMaxMs,
        Integer width,
        Integer height,
        Double frameRate,
        String inputFormat,
        Integer maxFrameAgeMs,
        ThermalCameraConfig thermal,
        InspectionCameraConfig inspection,
        List<CounterConfig> counters,
        ClassificationCameraConfig classification,
        Double inferFps,
        MotionGateConfig motionGate) {

    /** Slot size for a live camera that does not name its frame size: 1080p. */
    public static final int DEFAULT_LIVE_WIDTH = 1920;
    public static final int DEFAULT_LIVE_HEIGHT = 1080;

    /** How a recorded source is paced. */
    public enum Pacing { REALTIME, FAST }

    /** How RTP packets of an RTSP camera travel. */
    public enum RtspTransport { TCP, UDP }

    public CameraConfig {
        pacing = pacing == null ? Pacing.REALTIME : pacing;
        loop = loop != null && loop;
        rtspTransport = rtspTransport == null ? RtspTransport.TCP : rtspTransport;
        connectTimeoutMs = connectTimeoutMs == null ? 5_000 : connectTimeoutMs;
        stallTimeoutMs = stallTimeoutMs == null ? 5_000 : stallTimeoutMs;
        reconnectMinMs = reconnectMinMs == null ? 1_000 : reconnectMinMs;
        reconnectMaxMs = reconnectMaxMs == null ? 30_000 : reconnectMaxMs;
        thermal = thermal == null ? ThermalCameraConfig.defaults() : thermal;
        inspection = inspection == null ? InspectionCameraConfig.defaults() : inspection;
        counters = counters == null ? List.of() : List.copyOf(counters);
        classification = classification == null ? ClassificationCameraConfig.defaults() : classification;
        if (maxFrameAgeMs != null && maxFrameAgeMs < 0) {
            throw new IllegalArgumentException("max_frame_age_ms must be >= 0 (0: no limit), got " + maxFrameAgeMs);
        }
    }

    /** A camera that infers every frame. */
    public CameraConfig(String id, String source, String model, Pacing pacing, Boolean loop,
                        RtspTransport rtspTransport, Integer connectTimeoutMs, Integer stallTimeoutMs,
                        Integer reconnectMinMs, Integer reconnectMaxMs, Integer width, Integer height,
                        Double frameRate, String inputFormat, Integer maxFrameAgeMs, ThermalCameraConfig thermal,
                        InspectionCameraConfig inspection, List<CounterConfig> counters,
                        ClassificationCameraConfig classification) {
        this(id, source, model, pacing, loop, rtspTransport, connectTimeoutMs, stallTimeoutMs, reconnectMinMs,
                reconnectMaxMs, width, height, frameRate, inputFormat, maxFrameAgeMs, thermal, inspection, counters,
                classification, null, null);
    }

    /** A camera without classification regions. */
    public CameraConfig(String id, String source, String model, Pacing pacing, Boolean loop,
                        RtspTransport rtspTransport, Integer connectTimeoutMs, Integer stallTimeoutMs,
                        Integer reconnectMinMs, Integer reconnectMaxMs, Integer width, Integer height,
                        Double frameRate, String inputFormat, Integer maxFrameAgeMs, ThermalCameraConfig thermal,
                        InspectionCameraConfig inspection, List<CounterConfig> counters) {
        this(id, source, model, pacing, loop, rtspTransport, connectTimeoutMs, stallTimeoutMs, reconnectMinMs,
                reconnectMaxMs, width, height, frameRate, inputFormat, maxFrameAgeMs, thermal, inspection, counters,
                null);
    }

    /** A camera without counting lines. */
    public CameraConfig(String id, String source, String model, Pacing pacing, Boolean loop,
                        RtspTransport rtspTransport, Integer connectTimeoutMs, Integer stallTimeoutMs,
                        Integer reconnectMinMs, Integer reconnectMaxMs, Integer width, Integer height,
                        Double frameRate, String inputFormat, Integer maxFrameAgeMs, ThermalCameraConfig thermal,
                        InspectionCameraConfig inspection) {
        this(id, source, model, pacing, loop, rtspTransport, connectTimeoutMs, stallTimeoutMs, reconnectMinMs,
                reconnectMaxMs, width, height, frameRate, inputFormat, maxFrameAgeMs, thermal, inspection, null);
    }

    /** A file camera with every live key at its default. */
    public CameraConfig(String id, String source, String model, Pacing pacing, Boolean loop) {
        this(id, source, model, pacing, loop, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** A live or file camera with the task sections at their defaults. */
    public CameraConfig(String id, String source, String model, Pacing pacing, Boolean loop,
                        RtspTransport rtspTransport, Integer connectTimeoutMs, Integer stallTimeoutMs,
                        Integer reconnectMinMs, Integer reconnectMaxMs, Integer width, Integer height,
                        Double frameRate, String inputFormat, Integer maxFrameAgeMs) {
        this(id, source, model, pacing, loop, rtspTransport, connectTimeoutMs, stallTimeoutMs, reconnectMinMs,
                reconnectMaxMs, width, height, frameRate, inputFormat, maxFrameAgeMs, null, null);
    }

    /** What kind of source {@link #source()} names. */
    public SourceKind kind() {
        return SourceKind.of(source);
    }

    /** The frame width ring slots are sized for (live cameras): {@link #width()} or 1080p's. */
    public int slotWidth() {
        return width == null ? DEFAULT_LIVE_WIDTH : width;
    }

    /** The frame height ring slots are sized for (live cameras): {@link #height()} or 1080p's. */
    public int slotHeight() {
        return height == null ? DEFAULT_LIVE_HEIGHT : height;
    }

    /** A copy with another id, source and pacing (replay binds clips to cameras). */
    public CameraConfig withSource(String newId, String newSource, Pacing newPacing) {
        return new CameraConfig(newId, newSource, model, newPacing, loop, rtspTransport, connectTimeoutMs,
                stallTimeoutMs, reconnectMinMs, reconnectMaxMs, width, height, frameRate, inputFormat, maxFrameAgeMs,
                thermal, inspection, counters, classification, inferFps, motionGate);
    }

    /** A copy that does (or does not) restart its file at the end. */
    public CameraConfig withLoop(boolean newLoop) {
        return new CameraConfig(id, source, model, pacing, newLoop, rtspTransport, connectTimeoutMs, stallTimeoutMs,
                reconnectMinMs, reconnectMaxMs, width, height, frameRate, inputFormat, maxFrameAgeMs, thermal, inspection,
                counters, classification);
    }

    /** A copy reading another source (paths resolved against the config's folder). */
    public CameraConfig withSource(String newSource) {
        return withSource(id, newSource, pacing);
    }

    /** The age budget of this camera's frames, given the pipeline's; 0 for no limit. */
    public int maxFrameAgeMs(PipelineConfig pipeline) {
        return maxFrameAgeMs != null ? maxFrameAgeMs : pipeline.maxFrameAgeMs();
    }
}
