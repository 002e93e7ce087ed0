package io.linewatch.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.SourceState;
import io.linewatch.testing.Clips;
import io.linewatch.testing.FuzzSeeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Corrupted clips (bit flips, truncation, garbage headers, garbage spliced in) replayed through the
 * capture path, source and capture loop: each either fails to open with one line naming the
 * camera, or delivers frames and decode errors until it ends; no other exception, no hang. Seeded:
 * two fixed seeds every run and one drawn afresh and printed ({@link FuzzSeeds}); {@code -Dfuzz.seed=N}
 * replays one.
 */
class ClipFuzzTest {

    /** Cases per clip and seed (three seeds a run: two fixed, one random). */
    private static final int CASES_PER_CLIP = 35;
    private static final long TIMEOUT_MILLIS = 20_000;
    private static final long MAX_FRAMES = 1_000;

    @TempDir
    Path dir;

    static List<Long> seeds() {
        return FuzzSeeds.seeds("ClipFuzzTest");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void corruptedClipsGiveCleanErrorsOrFrames(long seed) throws Exception {
        Random random = new Random(seed);
        Path ts = dir.resolve("base.ts");
        Files.write(ts, Clips.h264Ts(dir, 160, 120, 40));
        Path mkv = dir.resolve("base.mkv");
        Clips.write(mkv, "matroska", avcodec.AV_CODEC_ID_FFV1, avutil.AV_PIX_FMT_BGR0, 96, 64, 20);
        Path mp4 = dir.resolve("base.mp4");
        Clips.write(mp4, "mp4", avcodec.AV_CODEC_ID_MPEG4, avutil.AV_PIX_FMT_YUV420P, 128, 96, 30);
        int opened = 0;
        int failedToOpen = 0;
        for (Path base : List.of(ts, mkv, mp4)) {
            byte[] original = Files.readAllBytes(base);
            for (int i = 0; i < CASES_PER_CLIP; i++) {
                String name = base.getFileName().toString().replace("base", "case-" + i);
                Path clip = Files.write(dir.resolve(name), mutate(original, random));
                String where = "seed " + seed + ", " + name;
                if (replay(clip, where)) {
                    opened++;
                } else {
                    failedToOpen++;
                }
            }
        }
        System.out.printf("ClipFuzzTest: %d corrupted clips opened and replayed, %d refused at open%n", opened,
                failedToOpen);
    }

    /** Replays one clip through the capture path; false when it cannot be opened (cleanly). */
    private static boolean replay(Path clip, String where) throws Exception {
        FileFrameSource source = new FileFrameSource("fuzz", clip, false);
        try {
            source.open();
        } catch (CaptureException e) {
            assertThat(e.getMessage()).as(where).startsWith("camera fuzz: ").doesNotContain("\n");
            return false;
        }
        FrameEventFactory factory = new FrameEventFactory(8, source.width() * source.height() * 3, 1, 1, 1);
        RingBuffer<FrameEvent> ring = RingBuffer.createMultiProducer(factory, 8); // no consumer: never full
        CameraStats stats = new CameraStats("fuzz");
        SourceStateMachine state = new SourceStateMachine("fuzz", (camera, s, reason) -> { });
        state.moveTo(SourceState.CONNECTING, "");
        CaptureLoop loop = new CaptureLoop(0, "fuzz", source, 0, MAX_FRAMES, ring, stats, state);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread thread = new Thread(loop, "fuzz-capture");
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) -> thrown.set(e));
        thread.start();
        thread.join(TIMEOUT_MILLIS);
        if (thread.isAlive()) {
            loop.stop();
            throw new AssertionError(where + ": capture still running after " + TIMEOUT_MILLIS + " ms");
        }
        assertThat(thrown.get()).as(where).isNull();
        long cursor = ring.getCursor();
        long published = cursor + 1 - (cursor >= 0 && ring.get(cursor).sourceEnded ? 1 : 0); // less the end marker
        assertThat(published + stats.droppedTooLarge.get() + stats.droppedDecodeError.get()).as(where)
                .isEqualTo(stats.framesIn.get());
        return true;
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] b = original.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                for (int k = 0, n = 1 + random.nextInt(64); k < n; k++) {
                    int at = random.nextInt(b.length);
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 2 -> {
                for (int k = 0, n = 1 + random.nextInt(256); k < n && k < b.length; k++) {
                    b[k] = (byte) random.nextInt(256);
                }
            }
            case 3 -> {
                int at = random.nextInt(b.length);
                byte[] junk = new byte[1 + random.nextInt(4096)];
                random.nextBytes(junk);
                byte[] spliced = Arrays.copyOf(b, b.length + junk.length);
                System.arraycopy(junk, 0, spliced, at, junk.length);
                System.arraycopy(b, at, spliced, at + junk.length, b.length - at);
                b = spliced;
            }
            default -> {
                int from = random.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + random.nextInt(2048));
                for (int k = from; k < from + len; k++) {
                    b[k] = (byte) random.nextInt(256);
                }
            }
        }
        return b;
    }
}
