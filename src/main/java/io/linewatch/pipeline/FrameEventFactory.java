package io.linewatch.pipeline;

import com.lmax.disruptor.EventFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Preallocates the slots of one lane. Model inputs and outputs of all slots live in two direct,
 * native-order arenas, slot after slot, so a batch of consecutive slots is one contiguous tensor
 * that the engine reads and writes in place.
 */
public final class FrameEventFactory implements EventFactory<FrameEvent> {

    private final int pixelCapacity;
    private final int inputFloats;
    private final int outputFloats;
    private final int maxDetections;
    private final FloatBuffer inputArena;
    private final FloatBuffer outputArena;
    private int next;

    /**
     * @param slots         ring size
     * @param pixelCapacity bytes of the largest BGR frame any camera of the lane delivers
     * @param inputFloats   model input floats per frame
     * @param outputFloats  model output floats per frame
     * @param maxDetections most detections kept per frame
     */
    public FrameEventFactory(int slots, int pixelCapacity, int inputFloats, int outputFloats, int maxDetections) {
        this.pixelCapacity = pixelCapacity;
        this.inputFloats = inputFloats;
        this.outputFloats = outputFloats;
        this.maxDetections = maxDetections;
        this.inputArena = directFloats((long) slots * inputFloats);
        this.outputArena = directFloats((long) slots * outputFloats);
    }

    @Override
    public FrameEvent newInstance() {
        int slot = next++;
        return new FrameEvent(slot, pixelCapacity,
                inputArena.slice(slot * inputFloats, inputFloats),
                outputArena.slice(slot * outputFloats, outputFloats),
                maxDetections);
    }

    /** The input arena: slot {@code i}'s input starts at float {@code i * inputFloats}. */
    public FloatBuffer inputArena() {
        return inputArena.duplicate();
    }

    /** The output arena: slot {@code i}'s output starts at float {@code i * outputFloats}. */
    public FloatBuffer outputArena() {
        return outputArena.duplicate();
    }

    /** A direct, native-order float buffer, as engines read without copying. */
    public static FloatBuffer directFloats(long count) {
        if (count * Float.BYTES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ring arena too large: " + count + " floats; lower pipeline.ring_size");
        }
        return ByteBuffer.allocateDirect((int) count * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
