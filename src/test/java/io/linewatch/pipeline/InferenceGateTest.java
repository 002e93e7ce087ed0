package io.linewatch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The inference gate: {@code infer_fps} infers one frame per tick of the media clock and counts the
 * rest as {@code rate} skips, with no frame further than one interval from the next inferred one;
 * the motion gate skips a still picture ({@code still}), lets through the first tick's frame on
 * which a small object moved, and infers a still scene anyway every {@code max_skip}; a frame
 * already dropped is neither gated nor counted.
 */
class InferenceGateTest {

    private static final int W = 640;
    private static final int H = 360;
    private static final long FRAME_MICROS = 40_000; // 25 fps

    @Test
    void inferFpsInfersOneFrameATickAndNoFrameWaitsMoreThanOneInterval() {
        for (double fps : new double[] {5, 10, 7.3}) {
            CameraStats stats = new CameraStats("cam");
            long interval = Math.round(1e6 / fps);
            InferenceGate gate = new InferenceGate(new InferenceGate.Rule[] {new InferenceGate.Rule(interval, Double.NaN, 0)},
                    List.of(stats));
            FrameEvent e = slot();
            List<Long> inferred = new ArrayList<>();
            int frames = 250; // 10 s
            for (int f = 0; f < frames; f++) {
                frame(e, f, 0);
                if (!gate.skip(e)) {
                    inferred.add(e.mediaMicros);
                } else {
                    assertThat(e.dropped).as("a skipped frame is marked for later stages").isTrue();
                }
            }
            assertThat(inferred.get(0)).isZero();
            assertThat(inferred.size()).as("frames inferred in 10 s at %s fps", fps).isBetween((int) (10 * fps) - 1,
                    (int) Math.ceil(10 * fps) + 1);
            assertThat(stats.skippedRate.get()).isEqualTo(frames - inferred.size());
            assertThat(stats.skippedStill.get()).isZero();
            for (int i = 1; i < inferred.size(); i++) {
                assertThat(inferred.get(i) - inferred.get(i - 1)).as("gap between inferred frames at %s fps", fps)
                        .isLessThan(interval + FRAME_MICROS);
            }
        }
    }

    @Test
    void motionGateSkipsStillFramesInfersTheFirstFrameThatMovedAndForcesOneEveryMaxSkip() {
        CameraStats stats = new CameraStats("cam");
        InferenceGate gate = new InferenceGate(new InferenceGate.Rule[] {new InferenceGate.Rule(0, 2.0, 1_000_000)},
                List.of(stats));
        FrameEvent e = slot();
        List<Integer> inferred = new ArrayList<>();
        for (int f = 0; f < 100; f++) {
            // still until frame 60, then a 24x24 box crosses at 8 px a frame
            frame(e, f, f < 60 ? 0 : (f - 59) * 8);
            if (!gate.skip(e)) {
                inferred.add(f);
            }
        }
        // still: the first frame, then one a second (25 frames) forced
        assertThat(inferred.subList(0, 3)).containsExactly(0, 25, 50);
        assertThat(inferred).as("the box moves from frame 60: each frame differs by a box's edge").contains(60);
        int[] afterMotion = inferred.stream().filter(f -> f >= 60).mapToInt(Integer::intValue).toArray();
        for (int i = 1; i < afterMotion.length; i++) {
            assertThat(afterMotion[i] - afterMotion[i - 1]).as("gap while the box moves, %s", Arrays.toString(afterMotion))
                    .isLessThanOrEqualTo(2);
        }
        assertThat(stats.skippedStill.get()).isEqualTo(100 - inferred.size()).isGreaterThan(50);
        assertThat(stats.skippedRate.get()).isZero();
    }

    @Test
    void aSixteenBitCameraIsGatedOnItsCounts() {
        CameraStats stats = new CameraStats("ir");
        InferenceGate gate = new InferenceGate(new InferenceGate.Rule[] {new InferenceGate.Rule(0, 20.0, 10_000_000)},
                List.of(stats));
        FrameEvent e = slot();
        e.pixelFormat = FrameEvent.PixelFormat.GRAY16;
        int inferred = 0;
        for (int f = 0; f < 20; f++) {
            e.frameNumber = f;
            e.mediaMicros = f * FRAME_MICROS;
            int hot = f < 10 ? 30_000 : 30_500; // +5 K at 0.01 K a count, on a 40x40 spot from frame 10
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    int v = x >= 300 && x < 340 && y >= 160 && y < 200 ? hot : 29_800 + (x & 3);
                    e.pixels[(y * W + x) * 2] = (byte) v;
                    e.pixels[(y * W + x) * 2 + 1] = (byte) (v >> 8);
                }
            }
            e.clearMarks();
            inferred += gate.skip(e) ? 0 : 1;
            if (f == 10) {
                assertThat(e.dropped).as("the spot warmed by 5 K").isFalse();
            }
        }
        assertThat(inferred).isEqualTo(2);
        assertThat(stats.skippedStill.get()).isEqualTo(18);
    }

    @Test
    void aFrameAlreadyDroppedIsLeftAloneAndNotCounted() {
        CameraStats stats = new CameraStats("cam");
        InferenceGate gate = new InferenceGate(new InferenceGate.Rule[] {new InferenceGate.Rule(200_000, 2.0, 1_000_000)},
                List.of(stats));
        FrameEvent e = slot();
        frame(e, 0, 0);
        e.dropped = true;
        assertThat(gate.skip(e)).isTrue();
        frame(e, 1, 0);
        assertThat(gate.skip(e)).as("the first frame the gate sees is inferred").isFalse();
        assertThat(stats.skipped()).isZero();
    }

    private static FrameEvent slot() {
        FrameEvent e = new FrameEventFactory(1, W * H * 3, 3, new int[] {4}, 1).newInstance();
        e.cameraIndex = 0;
        e.cameraId = "cam";
        e.width = W;
        e.height = H;
        return e;
    }

    /** A grey belt with a 24x24 bright box at {@code boxX} (none at 0). */
    private static void frame(FrameEvent e, int f, int boxX) {
        e.clearMarks();
        e.frameNumber = f;
        e.mediaMicros = f * FRAME_MICROS;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean box = boxX > 0 && x >= boxX && x < boxX + 24 && y >= 170 && y < 194;
                int v = box ? 220 : 60 + ((x / 16 + y / 16) & 1) * 20;
                int i = (y * W + x) * 3;
                e.pixels[i] = (byte) v;
                e.pixels[i + 1] = (byte) v;
                e.pixels[i + 2] = (byte) v;
            }
        }
    }
}
