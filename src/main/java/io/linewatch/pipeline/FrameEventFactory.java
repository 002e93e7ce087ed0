package io.linewatch.pipeline;

import com.lmax.disruptor.EventFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Preallocates the slots of one lane. The model input of all slots lives in one direct,
 * native-order arena, and each model output in one more, slot after slot, so a batch of
 * consecutive slots is one contiguous tensor that the engine reads and writes in place.
 */
public final class FrameEventFactory implements EventFactory<FrameEvent> {

    private final int pixelCapacity;
    private final int inputFloats;
    private final int[] outputFloats;
    private final int maxDetections;
    private final FloatBuffer inputArena;
    private final FloatBuffer[] outputArenas;
    private int maxDefectRegions;
    private int thermalHotspots;
    private int maxEndedTracks;
    private int maxParts;
    private int classRegions;
    private int classStates;
    private int next;

    /**
     * @param slots         ring size
     * @param pixelCapacity bytes of the largest frame any camera of the lane delivers
     * @param inputFloats   model input floats per frame
     * @param outputFloats  floats per frame of each model output, in the model's output order
     * @param maxDetections most detections kept per frame
     */
    public FrameEventFactory(int slots, int pixelCapacity, int inputFloats, int[] outputFloats, int maxDetections) {
        this.pixelCapacity = pixelCapacity;
        this.inputFloats = inputFloats;
        this.outputFloats = outputFloats.clone();
        this.maxDetections = maxDetections;
        this.inputArena = directFloats((long) slots * inputFloats);
        this.outputArenas = new FloatBuffer[outputFloats.length];
        for (int i = 0; i < outputFloats.length; i++) {
            outputArenas[i] = directFloats((long) slots * outputFloats[i]);
        }
    }

    /** A lane whose model has one output. */
    public FrameEventFactory(int slots, int pixelCapacity, int inputFloats, int outputFloats, int maxDetections) {
        this(slots, pixelCapacity, inputFloats, new int[] {outputFloats}, maxDetections);
    }

    /**
     * Sizes each slot's defect regions (segmentation lanes); call before the ring is built, as the
     * ring creates every slot at once. Returns this factory.
     */
    public FrameEventFactory withDefectRegions(int maxRegions) {
        this.maxDefectRegions = maxRegions;
        return this;
    }

    /**
     * Sizes each slot's {@link ThermalResult} (a thermal lane); call before the ring is built.
     *
     * @param maxHotspots most hotspots kept per frame
     */
    public FrameEventFactory thermal(int maxHotspots) {
        this.thermalHotspots = maxHotspots;
        return this;
    }

    /**
     * Sizes each slot's {@link Tracks} (a detection lane with a tracker); call before the ring is
     * built.
     *
     * @param maxTracks most tracks the tracker keeps per camera (so most that can end in one frame)
     */
    public FrameEventFactory tracks(int maxTracks) {
        this.maxEndedTracks = maxTracks;
        return this;
    }

    /**
     * Sizes each slot's {@link Parts} (an inspection lane whose cameras judge parts); call before
     * the ring is built, after {@link #withDefectRegions}.
     */
    public FrameEventFactory parts(int maxPartsInView) {
        this.maxParts = maxPartsInView;
        return this;
    }

    /**
     * Sizes each slot's {@link ClassResult} (a classification lane); call before the ring is built.
     *
     * @param maxRegions most regions a camera of the lane has (1 for whole frames)
     * @param states     the model's states
     */
    public FrameEventFactory classification(int maxRegions, int states) {
        this.classRegions = maxRegions;
        this.classStates = states;
        return this;
    }

    @Override
    public FrameEvent newInstance() {
        int slot = next++;
        FloatBuffer[] outputs = new FloatBuffer[outputArenas.length];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = outputArenas[i].slice(slot * outputFloats[i], outputFloats[i]);
        }
        return new FrameEvent(slot, pixelCapacity, inputArena.slice(slot * inputFloats, inputFloats), outputs,
                maxDetections, maxDefectRegions, new ThermalResult(thermalHotspots), maxEndedTracks, maxParts,
                new ClassResult(classRegions, classStates));
    }

    /** The input arena: slot {@code i}'s input starts at float {@code i * inputFloats}. */
    public FloatBuffer inputArena() {
        return inputArena.duplicate();
    }

    /** One arena per model output, in the model's output order: slot {@code i}'s starts at {@code i} frames. */
    public FloatBuffer[] outputArenas() {
        FloatBuffer[] copies = new FloatBuffer[outputArenas.length];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = outputArenas[i].duplicate();
        }
        return copies;
    }

    /** A direct, native-order float buffer, as engines read without copying. */
    public static FloatBuffer directFloats(long count) {
        if (count * Float.BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ring arena too large: " + count + " floats; lower pipeline.ring_size");
        }
        return ByteBuffer.allocateDirect((int) count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
