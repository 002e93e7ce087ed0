package io.linewatch.pipeline;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The ring slot: one camera frame on its way through the stages. All buffers are allocated once,
 * when the ring is built; stages overwrite them in place. Fields are grouped by the one stage that
 * writes them; every later stage only reads them.
 */
public final class FrameEvent {

    // --- written by capture ------------------------------------------------------------------
    /** Index of the camera in the config's camera list. */
    public int cameraIndex;
    /** Camera id, as configured. */
    public String cameraId;
    /** 0-based number of the frame in its source. */
    public long frameNumber;
    /** {@link System#nanoTime()} when the frame was decoded. */
    public long captureNanos;
    /** Wall-clock time when the frame was decoded, milliseconds since the epoch. */
    public long captureEpochMillis;
    /**
     * The frame's time in its source's own clock, microseconds, never decreasing (a looped file goes
     * on counting). Alarm timing uses it, so a replay raises the same alarms at any speed.
     */
    public long mediaMicros;
    /** Frame size in pixels. */
    public int width;
    public int height;
    /** How {@link #pixels} is laid out. */
    public PixelFormat pixelFormat = PixelFormat.BGR24;
    /**
     * The frame, rows packed: BGR ({@code width * 3} bytes a row), 16-bit little-endian samples
     * ({@code width * 2} bytes a row) or I420 planes, as {@link #pixelFormat} says; capacity fixed
     * when the ring is built. {@link #bgr} gives full-size BGR whatever the layout.
     */
    public final byte[] pixels;
    /**
     * True for the marker capture publishes after a file's last frame: no pixels, skipped by every
     * stage but those that close what the camera left open (tracks, parts).
     */
    public boolean sourceEnded;

    // --- written by the exception handler of whichever stage failed ----------------------------
    /** Name of the stage that failed on this frame, or {@code null}; later stages skip the frame. */
    public volatile String failedStage;

    // --- written by preprocess or inference when it drops the frame (counted where dropped) ----
    /**
     * True when the frame was dropped before inference (too old, or shed under overload), or not
     * inferred by its camera's {@link InferenceGate} ({@code infer_fps}, motion gate).
     */
    public boolean dropped;

    // --- written by preprocess ---------------------------------------------------------------
    /** Position of this slot in the lane's input and output arenas. */
    public final int slotIndex;
    /** Model input for this frame, CHW floats; a view into the lane's contiguous input arena. */
    public final FloatBuffer input;
    /** Letterbox transform: {@code input = source * scale + pad}. */
    public float letterboxScale;
    public float padLeft;
    public float padTop;

    // --- written by inference ----------------------------------------------------------------
    /** Raw model outputs for this frame, in the model's output order; views into the lane's arenas. */
    public final FloatBuffer[] outputs;
    /** The first output, {@code outputs[0]}. */
    public final FloatBuffer output;
    /** True once the engine has run on this frame. */
    public boolean inferred;

    // --- written by detect -------------------------------------------------------------------
    /** Detections after NMS, in source-frame pixels. */
    public final Detections detections;

    // --- written by track (detection lanes) -----------------------------------------------------
    /** Track id of each detection and the tracks that ended at this frame (capacity 0 in other lanes). */
    public final Tracks tracks;

    // --- written by segment ------------------------------------------------------------------
    /** Defect regions of the slot's mask, largest first, in source pixels (capacity 0 in other lanes). */
    public final DefectRegions defects;

    // --- written by part (inspection lanes with parts) -------------------------------------------
    /** Parts in view, their track ids and their defects' tracks (capacity 0 in other lanes). */
    public final Parts parts;

    // --- written by classify (classification lanes) -------------------------------------------
    /** Per region: probabilities, most probable and decided state, map peak (capacity 0 in other lanes). */
    public final ClassResult classes;

    // --- written by thermal decode (thermal lanes) ----------------------------------------------
    /** Temperatures and hotspots; no capacity in lanes of other tasks. */
    public final ThermalResult thermal;

    // --- written by alarms -------------------------------------------------------------------
    /** Alarm events this frame produced, usually none. */
    public final List<AlarmEvent> alarms = new ArrayList<>(4);

    /** Pixel layouts of a slot's frame. */
    public enum PixelFormat {
        /** 8-bit blue, green, red. */
        BGR24(3),
        /** One 16-bit little-endian sample a pixel (radiometric counts). */
        GRAY16(2),
        /**
         * The decoder's planes, 8-bit: Y, then U and V at half width and height (see {@link I420});
         * preprocess converts colour only where it samples, and full-size BGR is made on demand.
         */
        I420(1);

        private final int bytesPerPixel;

        PixelFormat(int bytesPerPixel) {
            this.bytesPerPixel = bytesPerPixel;
        }

        /** Bytes one pixel takes in a slot (the luma plane's for I420). */
        public int bytesPerPixel() {
            return bytesPerPixel;
        }

        /** Bytes a {@code width x height} frame takes in a slot. */
        public int frameBytes(int width, int height) {
            return this == I420 ? io.linewatch.pipeline.I420.frameBytes(width, height) : width * height * bytesPerPixel;
        }
    }

    FrameEvent(int slotIndex, int pixelCapacity, FloatBuffer input, FloatBuffer[] outputs, int maxDetections,
               int maxDefectRegions, ThermalResult thermal, int maxEndedTracks, int maxParts,
               ClassResult classes) {
        this.slotIndex = slotIndex;
        this.pixels = new byte[pixelCapacity];
        this.input = input;
        this.outputs = outputs;
        this.output = outputs[0];
        this.detections = new Detections(maxDetections);
        this.tracks = new Tracks(maxEndedTracks > 0 ? maxDetections : 0, maxEndedTracks);
        this.defects = new DefectRegions(maxDefectRegions);
        this.thermal = thermal;
        this.parts = new Parts(maxParts, maxParts > 0 ? maxDefectRegions : 0);
        this.classes = classes;
    }

    /**
     * The frame as packed BGR: {@link #pixels} itself when it is BGR, else converted into {@code
     * scratch} (at least {@code width * height * 3} bytes) and returned. For the rare full-size
     * consumers (snapshots, live pictures); a GRAY16 frame has no colour and is refused.
     */
    public byte[] bgr(byte[] scratch) {
        return switch (pixelFormat) {
            case BGR24 -> pixels;
            case I420 -> {
                io.linewatch.pipeline.I420.toBgr(pixels, width, height, scratch);
                yield scratch;
            }
            case GRAY16 -> throw new IllegalStateException("a GRAY16 frame has no BGR pixels");
        };
    }

    /** True when an earlier stage failed on this frame. */
    public boolean failed() {
        return failedStage != null;
    }

    /** True when later stages must leave this frame alone: it failed, or it was dropped. */
    public boolean skipped() {
        return failedStage != null || dropped || sourceEnded;
    }

    /** Clears the marks of the frame that held the slot before; capture calls it as it fills the slot. */
    public void clearMarks() {
        failedStage = null;
        dropped = false;
        sourceEnded = false;
        inferred = false;
    }
}
