package io.linewatch.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
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
    private final AtomicLong maxPauseMillis = new AtomicLong();
    private final AtomicLong totalPauseMillis = new AtomicLong();
    private final NotificationListener listener = (notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                (CompositeData) notification.getUserData());
        if (info.getGcName().contains("Concurrent")) {
            return; // concurrent cycles do not stop the application
        }
        long millis = info.getGcInfo().getDuration();
        maxPauseMillis.accumulateAndGet(millis, Math::max);
        totalPauseMillis.addAndGet(millis);
    };

    JvmProbes() {
        threads.setThreadAllocatedMemoryEnabled(true);
        threads.setThreadCpuTimeEnabled(true);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
        }
    }

    /**
     * Bytes allocated so far by each live pipeline thread (named {@code lw-...}), keyed by its stage:
     * {@code capture}, {@code preprocess}, {@code inference}, ...; lanes, cameras and engine
     * instances are summed.
     */
    java.util.Map<String, Long> allocatedBytesByStage() {
        long[] ids = threads.getAllThreadIds();
        return byStage(ids, threads.getThreadAllocatedBytes(ids));
    }

    /**
     * CPU time used so far by each live pipeline thread, ns, keyed as {@link #allocatedBytesByStage}.
     * ONNX Runtime's own worker threads are not Java threads and are not in it: an inference thread's
     * figure is only the share of the engine's work that ran on it.
     */
    java.util.Map<String, Long> cpuNanosByStage() {
        long[] ids = threads.getAllThreadIds();
        return byStage(ids, threads.getThreadCpuTime(ids));
    }

    private java.util.Map<String, Long> byStage(long[] ids, long[] values) {
        java.util.Map<String, Long> byStage = new java.util.TreeMap<>();
        java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && infos[i].getThreadName().startsWith("lw-") && values[i] > 0) {
                byStage.merge(stageOf(infos[i].getThreadName()), values[i], Long::sum);
            }
        }
        return byStage;
    }

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

    /** CPU time the whole process has used so far (every thread, the JVM's own included), ns. */
    long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    void resetPauses() {
        maxPauseMillis.set(0);
        totalPauseMillis.set(0);
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
