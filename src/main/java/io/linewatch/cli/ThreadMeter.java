package io.linewatch.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU and allocation of the pipeline's threads over a window of a benchmark run, by stage. Kept by
 * thread id and sampled while the window runs, so that a thread that ends inside it (a camera whose
 * frames ran out) keeps what it used up to its last sample instead of dropping out of the sum; a
 * thread that starts inside it counts from zero. Used from the one thread that polls the run.
 */
final class ThreadMeter {

    private final JvmProbes probes;
    private final Map<Long, JvmProbes.ThreadUse> first;
    private final Map<Long, JvmProbes.ThreadUse> last = new HashMap<>();

    ThreadMeter(JvmProbes probes) {
        this.probes = probes;
        this.first = probes.pipelineThreads();
        last.putAll(first);
    }

    /** Takes the threads' figures now. */
    void sample() {
        last.putAll(probes.pipelineThreads());
    }

    /** CPU nanoseconds by stage since the window began, as of the last sample. */
    Map<String, Long> cpuNanosByStage() {
        Map<String, Long> byStage = new TreeMap<>();
        last.forEach((id, now) -> {
            JvmProbes.ThreadUse from = first.get(id);
            byStage.merge(now.stage(), now.cpuNanos() - (from == null ? 0 : from.cpuNanos()), Long::sum);
        });
        return byStage;
    }

    /** Bytes allocated by stage since the window began, as of the last sample. */
    Map<String, Long> allocatedBytesByStage() {
        Map<String, Long> byStage = new TreeMap<>();
        last.forEach((id, now) -> {
            JvmProbes.ThreadUse from = first.get(id);
            byStage.merge(now.stage(), now.allocatedBytes() - (from == null ? 0 : from.allocatedBytes()), Long::sum);
        });
        return byStage;
    }
}
