package io.linewatch.daemon;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import java.util.List;

/**
 * One of a lane's several threads of a per-frame stage (preprocess with {@code preprocess_threads}):
 * runs the frames of its share of the lane's cameras and passes the others by, which the stage's
 * other instances run. So each camera's frames go through the stage in order, on one thread, and
 * per-camera state in the handler has one writer. Reads only the slot's camera index; runs on the
 * instance's thread; the start, shutdown and batch starts reach the handler as they come.
 */
final class CameraShare implements EventHandler<FrameEvent> {

    private final EventHandler<FrameEvent> handler;
    private final boolean[] mine;

    /**
     * Instance {@code instance} (from 0) of {@code instances}: the camera at position p of the lane's
     * {@code cameras} is its own when p % instances == instance.
     *
     * @param cameraCount the config's cameras (camera indexes run below it)
     */
    CameraShare(EventHandler<FrameEvent> handler, List<Integer> cameras, int cameraCount, int instance,
                int instances) {
        this.handler = handler;
        this.mine = new boolean[cameraCount];
        for (int p = 0; p < cameras.size(); p++) {
            mine[cameras.get(p)] = p % instances == instance;
        }
    }

    /** True when the frame's camera is in this instance's share. */
    boolean owns(FrameEvent event, long sequence) {
        return mine[event.cameraIndex];
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) throws Exception {
        if (mine[event.cameraIndex]) {
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
