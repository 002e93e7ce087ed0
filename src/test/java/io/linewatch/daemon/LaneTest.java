package io.linewatch.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.lmax.disruptor.RingBuffer;
import io.linewatch.config.PipelineConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ring and its stages, with plain handlers: failures, batching and the drain at shutdown. */
class LaneTest {

    private final List<CameraStats> stats = List.of(new CameraStats("cam"));

    private static void publish(RingBuffer<FrameEvent> ring, int frames) {
        for (int i = 0; i < frames; i++) {
            long seq = ring.next();
            FrameEvent e = ring.get(seq);
            e.cameraIndex = 0;
            e.cameraId = "cam";
            e.frameNumber = i;
            e.failedStage = null;
            ring.publish(seq);
        }
    }

    @Test
    void aFrameThatThrowsIsMarkedFailedSkippedDownstreamAndTheStageGoesOn() throws Exception {
        List<Long> seenDownstream = Collections.synchronizedList(new ArrayList<>());
        List<String> failedMarks = Collections.synchronizedList(new ArrayList<>());
        Lane lane = new Lane("test", new FrameEventFactory(8, 3, 1, 1, 1), new PipelineConfig(8, null, null), stats);
        lane.then(new Lane.Stage("flaky", (e, seq, end) -> {
            if (e.frameNumber % 7 == 3) {
                throw new IllegalStateException("bad frame " + e.frameNumber);
            }
        })).then(new Lane.Stage("downstream", (e, seq, end) -> {
            if (e.failed()) {
                failedMarks.add(e.failedStage + ":" + e.frameNumber);
            } else {
                seenDownstream.add(e.frameNumber);
            }
        }));
        publish(lane.start(), 50);
        lane.drainAndStop(10_000);
        assertThat(failedMarks).containsExactly("flaky:3", "flaky:10", "flaky:17", "flaky:24", "flaky:31",
                "flaky:38", "flaky:45");
        assertThat(seenDownstream).hasSize(43).doesNotContain(3L, 10L);
        assertThat(stats.get(0).failed.get()).isEqualTo(7);
    }

    @Test
    void batchesAreCappedAtTheStagesMaxBatchAndShutdownDrainsEveryFrame() throws Exception {
        List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());
        int[] current = {0};
        Lane lane = new Lane("test", new FrameEventFactory(64, 3, 1, 1, 1), new PipelineConfig(64, null, null), stats);
        lane.then(new Lane.Stage("batched", (e, seq, end) -> {
            current[0]++;
            if (end) {
                batchSizes.add(current[0]);
                current[0] = 0;
            }
        }, 4));
        RingBuffer<FrameEvent> ring = lane.ring();
        publish(ring, 60); // published before the stage starts: one long backlog
        lane.start();
        lane.drainAndStop(10_000);
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(60);
        assertThat(batchSizes).allMatch(n -> n <= 4);
        assertThat(batchSizes).contains(4);
    }

    /**
     * Stages on one thread: every frame through each in the order given, on one thread, each timed
     * in its own stats; a frame that throws in one is marked failed with that stage's name and the
     * later ones see it failed, and the thread goes on.
     */
    @Test
    void stagesOnOneThreadSeeEveryFrameInOrderAndAFailureStaysTheStages() throws Exception {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Lane lane = new Lane("test", new FrameEventFactory(8, 3, 1, 1, 1), new PipelineConfig(8, null, null), stats);
        lane.then(new Lane.Stage("first", (e, seq, end) -> { }));
        List<Lane.Stage> chain = new ArrayList<>();
        for (String name : List.of("decode", "alarms", "sink")) {
            chain.add(new Lane.Stage(name, (e, seq, end) -> {
                threads.add(Thread.currentThread().getName());
                if (name.equals("alarms") && e.frameNumber == 5) {
                    throw new IllegalStateException("bad rule");
                }
                calls.add(name + ":" + e.frameNumber + (e.failed() ? ":failed in " + e.failedStage : ""));
            }));
        }
        lane.thenOnOneThread("after", chain);
        publish(lane.start(), 20);
        lane.drainAndStop(10_000);

        assertThat(threads).containsExactly("lw-test-after");
        assertThat(calls).hasSize(59).startsWith("decode:0", "alarms:0", "sink:0", "decode:1")
                .contains("decode:5", "sink:5:failed in alarms", "sink:19").doesNotContain("alarms:5");
        assertThat(stats.get(0).failed.get()).isEqualTo(1);
        assertThat(lane.stageStats()).extracting(st -> st.stage).containsExactly("first", "decode", "alarms", "sink");
        assertThat(lane.stageStats()).allSatisfy(st -> assertThat(st.frames.get()).isEqualTo(20));
    }

    /**
     * With {@code yield_to_engine} every stage thread but the engine's (a batching stage) runs at
     * Java's lowest priority, those sharing a thread too; without it all run at the normal one.
     */
    @Test
    void theStagesYieldToTheEngineWhenAsked() throws Exception {
        for (boolean yield : new boolean[] {true, false}) {
            java.util.Map<String, Integer> priorities = new java.util.concurrent.ConcurrentHashMap<>();
            Lane lane = new Lane("test", new FrameEventFactory(8, 3, 1, 1, 1),
                    new PipelineConfig(8, null, null, null, yield), stats);
            lane.then(new Lane.Stage("preprocess", (e, seq, end) -> priorities.put("preprocess",
                    Thread.currentThread().getPriority())));
            lane.then(new Lane.Stage("inference", (e, seq, end) -> priorities.put("inference",
                    Thread.currentThread().getPriority()), 4));
            lane.thenOnOneThread("after", List.of(new Lane.Stage("alarms", (e, seq, end) -> priorities.put("alarms",
                    Thread.currentThread().getPriority()))));
            publish(lane.start(), 3);
            lane.drainAndStop(10_000);
            int others = yield ? Thread.MIN_PRIORITY : Thread.NORM_PRIORITY;
            assertThat(priorities).as("yield %s", yield).containsEntry("inference", Thread.NORM_PRIORITY)
                    .containsEntry("preprocess", others).containsEntry("alarms", others);
        }
    }
}
