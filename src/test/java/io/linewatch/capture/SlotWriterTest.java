package io.linewatch.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

/**
 * A replay that finds the ring full waits for a slot, however long the engine holds the ring, and
 * loses no frame; a live camera drops the frame and counts it.
 */
class SlotWriterTest {

    private static final int SLOTS = 2;

    private final RingBuffer<FrameEvent> ring = RingBuffer.createMultiProducer(
            new FrameEventFactory(SLOTS, 2 * 2 * 3, 1, 1, 1), SLOTS);
    /** The last stage's progress: the slots up to it are free again. */
    private final Sequence consumed = new Sequence();
    private final CameraStats stats = new CameraStats("cam-1");

    SlotWriterTest() {
        ring.addGatingSequences(consumed);
    }

    private SlotWriter writer(boolean waitForSlot) {
        return new SlotWriter(0, "cam-1", ring, stats, waitForSlot, "2x2", FrameEvent.PixelFormat.BGR24);
    }

    private static Frame frame(int value) {
        Frame f = new Frame(2, 2, Frame.DEPTH_UBYTE, 3);
        ByteBuffer b = (ByteBuffer) f.image[0];
        for (int i = 0; i < f.imageStride * 2; i++) {
            b.put(i, (byte) value);
        }
        return f;
    }

    @Test
    void aReplayWaitsForTheEngineToFreeASlotAndLosesNoFrame() throws Exception {
        SlotWriter w = writer(true);
        w.publish(frame(1), 0, 0);
        w.publish(frame(2), 1, 40_000);
        CompletableFuture<Void> third = CompletableFuture.runAsync(() -> w.publish(frame(3), 2, 80_000));

        Thread.sleep(300); // many of the writer's waits, the longest ones included
        assertThat(third).isNotDone();
        assertThat(ring.getCursor()).isEqualTo(1);

        consumed.set(0); // the engine is done with the first frame
        third.get(5, TimeUnit.SECONDS);
        FrameEvent e = ring.get(2);
        assertThat(e.frameNumber).isEqualTo(2);
        assertThat(e.pixels[0]).isEqualTo((byte) 3);
        assertThat(stats.droppedRingFull.get()).isZero();
    }

    @Test
    void aLiveCameraDropsTheFrameThatFindsTheRingFull() {
        SlotWriter w = writer(false);
        w.publish(frame(1), 0, 0);
        w.publish(frame(2), 1, 40_000);
        w.publish(frame(3), 2, 80_000);

        assertThat(stats.droppedRingFull.get()).isEqualTo(1);
        assertThat(ring.getCursor()).isEqualTo(1);
    }
}
