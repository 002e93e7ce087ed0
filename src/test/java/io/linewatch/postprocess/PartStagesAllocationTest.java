package io.linewatch.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.linewatch.config.Identity;
import io.linewatch.config.PartsConfig;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.sinks.DefectSnapshot;
import io.linewatch.sinks.VerdictHandler;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The part stage and the verdict sink allocate nothing per frame once warm, measured by the JVM's
 * per-thread allocation counter: bright panels carrying two defects cross a dark belt (so parts and
 * defect tracks start and end all the time) through the part stage; a panel that stays in view
 * with its defects through the verdict sink (a new best frame writes a snapshot and a part that
 * ends makes its verdict, both allowed to allocate; neither happens in the steady state). Panels
 * that cross are judged once each, with both their defects.
 */
class PartStagesAllocationTest {

    private static final int W = 384;
    private static final int H = 288;

    @TempDir
    Path dir;

    @Test
    void partStageAllocatesNothingPerFrameAndJudgesEachPanelOnce() {
        PartsConfig config = new PartsConfig(List.of(0.0, 28.0, 384.0, 268.0), null, null, null, null, null, null);
        PartHandler stage = new PartHandler(new PartsConfig[] {config}, List.of(0), 32);
        FrameEvent e = slot();
        List<String> verdicts = new ArrayList<>();
        VerdictHandler sink = new VerdictHandler(new Identity("site", "node"), List.of("scratch", "stain", "dent", "crack"),
                new PartsConfig[] {config}, new DefectSnapshot(List.of("scratch", "stain", "dent", "crack"), 0, 256, 192,
                0.5f), dir, (camera, json) -> verdicts.add(json));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int frames = 3000;
        long before = 0;
        long ended = 0;
        for (int f = 0; f < 2 * frames; f++) {
            if (f == frames) {
                before = threads.getThreadAllocatedBytes(thread);
            }
            drawFrame(e, f, (f * 13) % 700 - 250);
            stage.onEvent(e, f, true);
            ended += f >= frames ? e.parts.tracks.endedCount() : 0;
        }
        long perFrame = (threads.getThreadAllocatedBytes(thread) - before) / frames;
        System.out.println("part stage, one panel crossing with two defects: " + perFrame + " bytes per frame");
        assertThat(ended).as("parts that left the view while measured").isGreaterThan(40);
        assertThat(perFrame).as("bytes allocated per frame by the part stage").isLessThan(16);

        for (int f = 0; f < 60; f++) { // a panel crossing: each judged once, nok with its two defects
            drawFrame(e, 10_000 + f, f * 13 - 250);
            stage.onEvent(e, 10_000 + f, true);
            sink.onEvent(e, 10_000 + f, true);
        }
        assertThat(verdicts).hasSize(1);
        assertThat(verdicts.get(0)).contains("\"verdict\":\"nok\"").contains("\"class\":\"scratch\"")
                .contains("\"class\":\"dent\"");
        assertThat(verdicts.get(0).split("\"track\"")).hasSize(3);

        for (int f = 0; f < 2 * frames; f++) { // a panel that stays in view: the sink's steady state
            if (f == frames) {
                before = threads.getThreadAllocatedBytes(thread);
            }
            drawFrame(e, 20_000 + f, 100);
            stage.onEvent(e, 20_000 + f, true);
            sink.onEvent(e, 20_000 + f, true);
        }
        perFrame = (threads.getThreadAllocatedBytes(thread) - before) / frames;
        System.out.println("part stage and verdict sink, a panel in view: " + perFrame + " bytes per frame");
        assertThat(perFrame).as("bytes allocated per frame by the part stage and the verdict sink").isLessThan(16);
    }

    @Test
    void aPartIsJudgedOnceWhenItsLeftEdgePassesTheLine() {
        PartsConfig config = new PartsConfig(List.of(0.0, 28.0, 384.0, 268.0), null, null, null, null, null, null,
                150.0);
        PartHandler stage = new PartHandler(new PartsConfig[] {config}, List.of(0), 32);
        FrameEvent e = slot();
        List<String> verdicts = new ArrayList<>();
        List<Long> at = new ArrayList<>();
        VerdictHandler sink = new VerdictHandler(new Identity("site", "node"), List.of("scratch", "stain", "dent", "crack"),
                new PartsConfig[] {config}, new DefectSnapshot(List.of("scratch", "stain", "dent", "crack"), 0, 256, 192,
                0.5f), dir, (camera, json) -> {
                    verdicts.add(json);
                    at.add(e.frameNumber);
                });
        for (int f = 0; f < 60; f++) { // left edge at -250 + 13 f: passes x = 150 at f = 31, leaves the view at f = 49
            drawFrame(e, f, f * 13 - 250);
            stage.onEvent(e, f, true);
            sink.onEvent(e, f, true);
        }
        assertThat(verdicts).hasSize(1);
        assertThat(at).containsExactly(31L);
        assertThat(verdicts.get(0)).contains("\"ended\":\"crossed_line\"").contains("\"verdict\":\"nok\"");
    }

    private static FrameEvent slot() {
        FrameEvent e = new FrameEventFactory(1, W * H * 3, 3, new int[] {4 * 192 * 256}, 1).withDefectRegions(32)
                .parts(8).newInstance();
        e.cameraIndex = 0;
        e.cameraId = "cam";
        e.width = W;
        e.height = H;
        e.letterboxScale = 2f / 3;
        return e;
    }

    /** A dark belt, a 200 x 160 bright panel with its left edge at {@code x}, a scratch and a dent on it. */
    private static void drawFrame(FrameEvent e, long frame, int x) {
        e.frameNumber = frame;
        e.mediaMicros = frame * 100_000L;
        e.captureEpochMillis = 1_700_000_000_000L + frame * 100;
        Arrays.fill(e.pixels, 0, W * H * 3, (byte) 35);
        int x1 = Math.max(0, x);
        int x2 = Math.min(W, x + 200);
        for (int y = 60; y < 220 && x2 > x1; y++) {
            Arrays.fill(e.pixels, (y * W + x1) * 3, (y * W + x2) * 3, (byte) 160);
        }
        e.defects.clear();
        addDefect(e, 0, x + 40, 80, x + 90, 84);
        addDefect(e, 2, x + 120, 150, x + 150, 180);
    }

    private static void addDefect(FrameEvent e, int cls, float x1, float y1, float x2, float y2) {
        if (x1 >= 0 && x2 <= W) {
            float area = (x2 - x1) * (y2 - y1);
            e.defects.add(cls, area, area / 4, x1, y1, x2, y2, 0.97f);
        }
    }
}
