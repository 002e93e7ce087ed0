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
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
        }
    }

    /**
     * Bytes allocated so far by each live pipeline thread (named {@code lw-...}), keyed by its stage:
     * {@code capture}, {@code preprocess}, {@code inference}, ...; lanes and cameras are summed.
     */
    java.util.Map<String, Long> allocatedBytesByStage() {
        java.util.Map<String, Long> byStage = new java.util.TreeMap<>();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && infos[i].getThreadName().startsWith("lw-") && bytes[i] > 0) {
                byStage.merge(stageOf(infos[i].getThreadName()), bytes[i], Long::sum);
            }
        }
        return byStage;
    }

    /** {@code lw-capture-<camera>} is capture; {@code lw-<lane>-<stage>} is that stage. */
    private static String stageOf(String threadName) {
        return threadName.startsWith("lw-capture-") ? "capture" : threadName.substring(threadName.lastIndexOf('-') + 1);
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
