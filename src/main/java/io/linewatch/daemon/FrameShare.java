package io.linewatch.daemon;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import java.util.Arrays;
import java.util.List;

/**
 * One of a lane's several threads of a per-frame stage (preprocess with {@code preprocess_threads}):
 * runs its share of the lane's frames and passes the rest by, which the stage's other instances run.
 * A camera whose frames the stage must see in order (its inference gate keeps state from frame to
 * frame: {@code infer_fps}, {@code motion_gate}) is dealt whole to one instance, such cameras in
 * turn; the other cameras' frames are dealt out by ring sequence, so that even one camera uses every
 * thread. Reads only the slot's camera index; runs on the instance's thread; the start, shutdown and
 * batch starts reach the handler as they come.
 */
final class FrameShare implements EventHandler<FrameEvent> {

    /** The owner of a camera whose frames are dealt out by sequence. */
    static final int BY_SEQUENCE = -1;

    private final EventHandler<FrameEvent> handler;
    private final int instance;
    private final int instances;
    private final int[] ownerByCamera;

    /**
     * Instance {@code instance} (from 0) of {@code instances}.
     *
     * @param ownerByCamera each camera's instance, or {@link #BY_SEQUENCE} (from {@link #owners})
     */
    FrameShare(EventHandler<FrameEvent> handler, int instance, int instances, int[] ownerByCamera) {
        this.handler = handler;
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

    /** True when this instance runs the frame at {@code sequence}. */
    boolean owns(FrameEvent event, long sequence) {
        int owner = ownerByCamera[event.cameraIndex];
        return owner == BY_SEQUENCE ? sequence % instances == instance : owner == instance;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws Exception {
        if (owns(event, sequence)) {
            handler.onEvent(event, sequence, endOfBatch);
        }
    }

    @Override
    public void onBatchStart(long batchSize, long queueDepth) {
        handler.onBatchStart(batchSize, queueDepth);
    }

    @Override
    public void onStart() {
        handler.onStart();
    }

    @Override
    public void onShutdown() {
        handler.onShutdown();
    }

    @Override
    public void onTimeout(long sequence) throws Exception {
        handler.onTimeout(sequence);
    }
}
