package io.linewatch.daemon;

import io.linewatch.pipeline.FrameEvent;
import java.util.Arrays;
import java.util.List;

/**
 * Which frames one of a lane's several threads of a per-frame stage runs (preprocess with
 * {@code preprocess_threads}); the stage's other instances run the rest. A camera whose frames the
 * stage must see in order (its inference gate keeps state from frame to frame: {@code infer_fps},
 * {@code motion_gate}) is dealt whole to one instance, such cameras in turn; the other cameras'
 * frames are dealt out by ring sequence, so that even one camera uses every thread. Reads only the
 * slot's camera index; immutable, asked on the instance's thread.
 */
final class FrameShare implements Lane.Owner {

    /** The owner of a camera whose frames are dealt out by sequence. */
    static final int BY_SEQUENCE = -1;

    private final int instance;
    private final int instances;
    private final int[] ownerByCamera;

    /**
     * Instance {@code instance} (from 0) of {@code instances}.
     *
     * @param ownerByCamera each camera's instance, or {@link #BY_SEQUENCE} (from {@link #owners})
     */
    FrameShare(int instance, int instances, int[] ownerByCamera) {
        this.instance = instance;
        this.instances = instances;
        this.ownerByCamera = ownerByCamera;
    }

    /**
     * Which of {@code instances} runs each camera's frames, by camera index: the lane's cameras whose
     * frames must stay in order ({@code inOrder}, by camera index) dealt out in turn, the lane's others
     * {@link #BY_SEQUENCE}; cameras outside the lane get {@link #BY_SEQUENCE} too (they never come).
     */
    static int[] owners(List<Integer> cameras, boolean[] inOrder, int instances) {
        int[] owners = new int[inOrder.length];
        Arrays.fill(owners, BY_SEQUENCE);
        int next = 0;
        for (int camera : cameras) {
            if (inOrder[camera]) {
                owners[camera] = next++ % instances;
            }
        }
        return owners;
    }

    @Override
    public boolean owns(FrameEvent event, long sequence) {
        int owner = ownerByCamera[event.cameraIndex];
        return owner == BY_SEQUENCE ? sequence % instances == instance : owner == instance;
    }
}
