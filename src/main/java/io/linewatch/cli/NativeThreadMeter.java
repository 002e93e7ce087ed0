package io.linewatch.cli;

import io.linewatch.pipeline.NativeThreads;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * CPU and time spent waiting for a core, by stage, of the process's threads over a window of a
 * benchmark run, from Linux's own counts: unlike {@link ThreadMeter} it sees ONNX Runtime's native
 * worker threads, and how long each thread was runnable but had no core, which is what a stage that
 * preempts the engine costs it. Only threads alive at both ends count. Used from one thread.
 */
final class NativeThreadMeter {

    /** A stage's CPU and its wait for a core over the window, in ns. */
    record Time(long cpuNanos, long waitNanos) {
    }

    private final Map<Integer, NativeThreads.Use> from = NativeThreads.all();

    /**
     * Each stage's time since the meter was made; {@code stageOf} names a thread's stage from its Linux
     * name ("" leaves it out). Empty where the kernel keeps no such counts.
     */
    Map<String, Time> sinceStart(Function<String, String> stageOf) {
        Map<String, Time> byStage = new TreeMap<>();
        NativeThreads.all().forEach((id, now) -> {
            NativeThreads.Use then = from.get(id);
            String stage = stageOf.apply(now.name());
            if (then == null || stage.isEmpty() || now.cpuNanos() < 0 || then.cpuNanos() < 0) {
                return;
            }
            byStage.merge(stage, new Time(now.cpuNanos() - then.cpuNanos(), now.waitNanos() - then.waitNanos()),
                    (a, b) -> new Time(a.cpuNanos() + b.cpuNanos(), a.waitNanos() + b.waitNanos()));
        });
        return byStage;
    }
}
