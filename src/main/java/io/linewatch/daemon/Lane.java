package io.linewatch.daemon;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.EventProcessorFactory;
import com.lmax.disruptor.dsl.ProducerType;
import io.linewatch.config.PipelineConfig;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.FrameEventFactory;
import io.linewatch.pipeline.StageStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One model's ring and its chain of stages, each on its own named thread or several in order on one
 * ({@link #thenOnOneThread}). Built by {@link Pipeline};
 * stages are added in order with {@link #then}, then {@link #start()}.
 */
final class Lane {

    private static final int SPIN_TRIES = 20;
    private static final long SLEEP_NANOS = 100_000;
    private static final long START_TIMEOUT_SECONDS = 120;

    private final String name;
    private final Disruptor<FrameEvent> disruptor;
    private final List<CameraStats> stats;
    /** The processors' threads to make, in the order the Disruptor starts them. */
    private final List<ThreadSpec> threadSpecs = new ArrayList<>();
    private final int otherThreadsPriority;
    private final List<Thread> threads = new ArrayList<>();
    private final List<BatchEventProcessor<FrameEvent>> processors = new ArrayList<>();
    private final List<StageStats> stageStats = new ArrayList<>();
    private final List<CountDownLatch> started = new ArrayList<>();
    private EventHandlerGroup<FrameEvent> tail;

    Lane(String name, FrameEventFactory factory, PipelineConfig config, List<CameraStats> stats) {
        this.name = name;
        this.stats = stats;
        this.otherThreadsPriority = config.otherThreadsPriority();
        this.disruptor = new Disruptor<>(factory, config.ringSize(), threadFactory(), ProducerType.MULTI,
                waitStrategy(config.waitStrategy()));
    }

    /** Adds stages that run after the previous ones (in parallel with each other). */
    @SafeVarargs
    final Lane then(Stage... stages) {
        @SuppressWarnings("unchecked")
        EventProcessorFactory<FrameEvent>[] factories = new EventProcessorFactory[stages.length];
        for (int i = 0; i < stages.length; i++) {
            factories[i] = processor(stages[i]);
        }
        tail = tail == null ? disruptor.handleEventsWith(factories) : tail.then(factories);
        return this;
    }

    /**
     * Adds {@code stages} after the previous ones, all on one thread named after {@code threadStage}:
     * each frame goes through them in the order given. Each keeps its own {@link StageStats} and its
     * own failure handling (a frame that throws in one is marked failed and goes on to the next, as
     * between threads). For the stages after inference, whose own work is a few microseconds a frame:
     * on a thread each, their waits cost more CPU than their work (see {@link StageChain}).
     */
    Lane thenOnOneThread(String threadStage, List<Stage> stages) {
        List<TimedHandler> timed = new ArrayList<>();
        List<MarkFailedExceptionHandler> failures = new ArrayList<>();
        for (Stage stage : stages) {
            timed.add(timed(stage));
            failures.add(new MarkFailedExceptionHandler(stage.name(), stats));
        }
        StageChain chain = new StageChain(timed, failures);
        EventProcessorFactory<FrameEvent> factory = (ring, barrierSequences) -> {
            BatchEventProcessor<FrameEvent> p = new BatchEventProcessorBuilder()
                    .build(ring, ring.newBarrier(barrierSequences), chain);
            p.setExceptionHandler(new MarkFailedExceptionHandler(threadStage, stats));
            processors.add(p);
            threadSpecs.add(new ThreadSpec("lw-" + name + "-" + threadStage, otherThreadsPriority));
            return p;
        };
        tail = tail == null ? disruptor.handleEventsWith(factory) : tail.then(factory);
        return this;
    }

    /**
     * A stage: its name, handler, the most events it takes in one batch, and, for one of several
     * instances of a stage (a lane's engine instances or preprocess threads, added together in one
     * {@link #then}), which one it is (from 0) and the frames it owns (null: every one): only those
     * are timed and counted as its frames.
     * Instances share the stage's {@link StageStats}; the first keeps the stage's thread name, the
     * others get {@code .1}, {@code .2}, ... after it.
     */
    record Stage(String name, EventHandler<FrameEvent> handler, int maxBatch, int instance, Owner owns) {
        Stage(String name, EventHandler<FrameEvent> handler, int maxBatch) {
            this(name, handler, maxBatch, 0, null);
        }

        Stage(String name, EventHandler<FrameEvent> handler) {
            this(name, handler, Integer.MAX_VALUE);
        }

        /** A capped batch is the stage's unit of work (inference: one engine call). */
        boolean batching() {
            return maxBatch != Integer.MAX_VALUE;
        }
    }

    /**
     * Which frames one instance of a stage runs; the stage's other instances run the rest. A per-frame
     * stage's handler never sees another instance's frames; a batching one sees them pass by.
     */
    @FunctionalInterface
    interface Owner {
        boolean owns(FrameEvent event, long sequence);
    }

    /** Time spent per stage, in the order the stages were added. */
    List<StageStats> stageStats() {
        return stageStats;
    }

    /**
     * Starts the stage threads and waits until each has run its own start (the engine's warm-up),
     * so that the first frames do not queue behind it.
     */
    RingBuffer<FrameEvent> start() throws InterruptedException {
        RingBuffer<FrameEvent> ring = disruptor.start();
        for (CountDownLatch latch : started) {
            if (!latch.await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("lane " + name + ": a stage did not start within "
                        + START_TIMEOUT_SECONDS + " s");
            }
        }
        return ring;
    }

    RingBuffer<FrameEvent> ring() {
        return disruptor.getRingBuffer();
    }

    String name() {
        return name;
    }

    /** Frames claimed by capture that the slowest stage has not finished yet. */
    long depth() {
        RingBuffer<FrameEvent> ring = disruptor.getRingBuffer();
        return Math.max(0, ring.getCursor() - ring.getMinimumGatingSequence());
    }

    /** Waits until every stage has handled every published frame, then stops the stage threads. */
    void drainAndStop(long timeoutMillis) throws InterruptedException {
        // The Disruptor counts only running processors as having a backlog: a stage whose thread has
        // not started yet would be halted with frames still waiting for it.
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (processors.stream().anyMatch(p -> !p.isRunning()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(1);
        }
        try {
            disruptor.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            disruptor.halt();
        }
        for (Thread t : threads) {
            t.join(timeoutMillis);
        }
    }

    private EventProcessorFactory<FrameEvent> processor(Stage stage) {
        TimedHandler timed = timed(stage);
        return (ring, barrierSequences) -> {
            BatchEventProcessor<FrameEvent> p = new BatchEventProcessorBuilder()
                    .setMaxBatchSize(stage.maxBatch())
                    .build(ring, ring.newBarrier(barrierSequences), timed);
            p.setExceptionHandler(new MarkFailedExceptionHandler(stage.name(), stats));
            processors.add(p);
            // The engine (a batching stage) keeps the normal priority; the others yield to it when asked.
            threadSpecs.add(new ThreadSpec("lw-" + name + "-" + stage.name()
                    + (stage.instance() == 0 ? "" : "." + stage.instance()),
                    stage.batching() ? Thread.NORM_PRIORITY : otherThreadsPriority));
            return p;
        };
    }

    /** The stage's handler timed into its {@link StageStats} (shared by a stage's instances), counted as started. */
    private TimedHandler timed(Stage stage) {
        StageStats timing = stage.instance() == 0 ? null : stageStats.stream()
                .filter(s -> s.stage.equals(stage.name())).reduce((first, last) -> last).orElse(null);
        if (timing == null) {
            timing = new StageStats(name, stage.name());
            stageStats.add(timing);
        }
        CountDownLatch stageStarted = new CountDownLatch(1);
        started.add(stageStarted);
        return new TimedHandler(stage.handler(), timing, stageStarted, stage.batching(), stage.owns());
    }

    /** A stage thread's name and Java priority. */
    private record ThreadSpec(String name, int priority) {
    }

    /** Names threads after their stages: the Disruptor starts processors in the order they were added. */
    private ThreadFactory threadFactory() {
        return runnable -> {
            int i = threads.size();
            ThreadSpec spec = i < threadSpecs.size() ? threadSpecs.get(i)
                    : new ThreadSpec("lw-" + name + "-" + i, Thread.NORM_PRIORITY);
            Thread t = new Thread(runnable, spec.name());
            t.setDaemon(true);
            t.setPriority(spec.priority());
            threads.add(t);
            return t;
        };
    }

    /**
     * Between chained stages the Disruptor's blocking strategy busy-spins (it blocks only on the
     * producer's cursor), which starves a small edge box; the sleeping strategy yields a few times,
     * then parks for {@link #SLEEP_NANOS}, so an idle stage costs almost no CPU.
     */
    private static WaitStrategy waitStrategy(PipelineConfig.WaitStrategyName name) {
        return switch (name) {
            case SLEEPING -> new SleepingWaitStrategy(SPIN_TRIES, SLEEP_NANOS);
            case BLOCKING -> new BlockingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
        };
    }
}
