package io.linewatch.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.linewatch.inference.OnnxRuntimeEngine;
import io.linewatch.pipeline.NativeThreads;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/** What the JVM can tell a benchmark: bytes allocated by all threads, GC pauses, resident memory. */
final class JvmProbes implements AutoCloseable {

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Each thread's stage by id ("" for threads not the pipeline's), learnt once per thread. */
    private final java.util.Map<Long, String> stageById = new java.util.HashMap<>();
    /** Each pipeline thread's stage by its name as Linux cuts it; "" where two stages share a cut name. */
    private final java.util.Map<String, String> stageByNativeName = new java.util.HashMap<>();
    private final AtomicLong maxPauseMillis = new AtomicLong();
    private final AtomicLong totalPauseMillis = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    /** JVM uptime at the last reset: collections that started earlier are not counted. */
    private volatile long countFromUptimeMillis;
    private final NotificationListener listener = (notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                (CompositeData) notification.getUserData());
        if (!isPause(info.getGcName())) {
            return; // concurrent cycles do not stop the application
        }
        if (info.getGcInfo().getStartTime() < countFromUptimeMillis) {
            return; // a pause from before the last reset (a System.gc() between runs), reported late
        }
        long millis = info.getGcInfo().getDuration();
        maxPauseMillis.accumulateAndGet(millis, Math::max);
        totalPauseMillis.addAndGet(millis);
        pauses.incrementAndGet();
    };

    JvmProbes() {
        threads.setThreadAllocatedMemoryEnabled(true);
        threads.setThreadCpuTimeEnabled(true);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
        }
    }

    /** What one live pipeline thread has used so far: its stage, CPU nanoseconds and bytes allocated. */
    record ThreadUse(String stage, long cpuNanos, long allocatedBytes) {
    }

    /**
     * Each live pipeline thread (named {@code lw-...}) by id, keyed to its stage: {@code capture},
     * {@code preprocess}, {@code inference}, ... ONNX Runtime's own worker threads are not Java
     * threads and are not here: an inference thread's CPU is only the share of the engine's work
     * that ran on it.
     */
    java.util.Map<Long, ThreadUse> pipelineThreads() {
        long[] ids = threads.getAllThreadIds();
        long[] cpu = threads.getThreadCpuTime(ids);
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        java.util.Map<Long, ThreadUse> use = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            String stage = stageById.computeIfAbsent(ids[i], this::stageOfThread);
            if (!stage.isEmpty() && cpu[i] >= 0 && bytes[i] >= 0) {
                use.put(ids[i], new ThreadUse(stage, cpu[i], bytes[i]));
            }
        }
        return use;
    }

    /** A thread's stage, or "" for one that is not the pipeline's; asked once per thread (names are fixed). */
    private String stageOfThread(long id) {
        java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
        if (info == null || !info.getThreadName().startsWith("lw-")) {
            return "";
        }
        String stage = stageOf(info.getThreadName());
        String nativeName = info.getThreadName().substring(0, Math.min(NativeThreads.NAME_BYTES,
                info.getThreadName().length()));
        stageByNativeName.merge(nativeName, stage, (a, b) -> a.equals(b) ? a : "");
        return stage;
    }

    /**
     * The stage of a thread known by its Linux name, as {@link NativeThreadMeter} sees it: ONNX
     * Runtime's workers are {@code engine workers}; a pipeline thread seen by {@link #pipelineThreads()}
     * has its stage; any other, or a cut name two stages share, "".
     */
    String stageOfNative(String nativeName) {
        if (nativeName.startsWith(OnnxRuntimeEngine.WORKER_PREFIX)) {
            return ENGINE_WORKERS;
        }
        return stageByNativeName.getOrDefault(nativeName, "");
    }

    /** The stage name {@link #stageOfNative} gives ONNX Runtime's worker threads. */
    static final String ENGINE_WORKERS = "engine workers";

    /**
     * {@code lw-capture-<camera>} is capture; {@code lw-<lane>-<stage>} is that stage, and so is
     * {@code lw-<lane>-<stage>.<instance>} (a lane's second and later engine instances).
     */
    static String stageOf(String threadName) {
        if (threadName.startsWith("lw-capture-")) {
            return "capture";
        }
        String stage = threadName.substring(threadName.lastIndexOf('-') + 1);
        int dot = stage.indexOf('.');
        return dot < 0 ? stage : stage.substring(0, dot);
    }

    /** CPU time the calling thread has used so far, ns (the bench's poller measures itself). */
    long currentThreadCpuNanos() {
        return threads.getCurrentThreadCpuTime();
    }

    /** CPU time the whole process has used so far (every thread, the JVM's own included), ns. */
    long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    void resetPauses() {
        countFromUptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        maxPauseMillis.set(0);
        totalPauseMillis.set(0);
        pauses.set(0);
    }

    /**
     * Whether a collector's notifications are pauses: G1's young and full collections, ZGC's and
     * Shenandoah's "Pauses"; not the concurrent cycles ("G1 Concurrent GC", "ZGC Cycles", "Shenandoah
     * Cycles"), which run beside the application.
     */
    static boolean isPause(String gcName) {
        return !gcName.contains("Concurrent") && !gcName.endsWith("Cycles");
    }

    /** The JVM's collector, as its beans name it ("G1 Young Generation + G1 Old Generation", "ZGC Cycles + ZGC Pauses"). */
    static String collector() {
        return String.join(" + ", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
    }

    /** Pauses since the last reset. */
    long pauses() {
        return pauses.get();
    }

    long maxPauseMillis() {
        return maxPauseMillis.get();
    }

    long totalPauseMillis() {
        return totalPauseMillis.get();
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            try {
                ((NotificationEmitter) gc).removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException e) {
                // not registered on this one
            }
        }
    }
}
