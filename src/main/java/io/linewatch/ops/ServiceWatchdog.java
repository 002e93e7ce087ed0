package io.linewatch.ops;

import io.linewatch.daemon.PipelineView;
import io.linewatch.pipeline.CameraStats;
import io.linewatch.pipeline.SourceState;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is, on a thread of its own ({@code lw-systemd}): {@code READY=1}
 * once a camera streams (models are loaded by then), {@code WATCHDOG=1} every half watchdog period
 * but only while the pipeline really moves frames, a one-line {@code STATUS=}, and
 * {@code STOPPING=1} on {@link #close()}. Frames waiting in a ring while no stage takes any for a
 * whole period mean a stuck stage: the pings stop and systemd restarts the service. Reads the
 * pipeline's counters only.
 */
public final class ServiceWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceWatchdog.class);
    private static final long STATUS_MILLIS = 5_000;

    private final PipelineView pipeline;
    private final SystemdNotifier notifier;
    private final long tickMillis;
    private final boolean pings;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean ready;
    private long lastProgress = -1;
    private long lastProgressNanos = System.nanoTime();
    private long lastInferred;
    private long lastTickNanos = System.nanoTime();

    ServiceWatchdog(PipelineView pipeline, SystemdNotifier notifier, long watchdogMicros) {
        this.pipeline = pipeline;
        this.notifier = notifier;
        this.pings = watchdogMicros > 0;
        this.tickMillis = pings ? Math.max(1, Math.min(watchdogMicros / 2_000, STATUS_MILLIS)) : STATUS_MILLIS;
        this.thread = new Thread(this::run, "lw-systemd");
        this.thread.setDaemon(true);
    }

    /** Starts notifying when systemd asked for it ({@code NOTIFY_SOCKET}); else returns one that does nothing. */
    public static ServiceWatchdog start(PipelineView pipeline, SystemdNotifier notifier) {
        String usec = System.getenv("WATCHDOG_USEC");
        long watchdogMicros = 0;
        try {
            watchdogMicros = usec == null ? 0 : Long.parseLong(usec.trim());
        } catch (NumberFormatException e) {
            LOG.warn("systemd: WATCHDOG_USEC '{}' is not a number; no watchdog pings", usec);
        }
        ServiceWatchdog w = new ServiceWatchdog(pipeline, notifier, watchdogMicros);
        if (notifier.enabled()) {
            w.thread.start();
            LOG.info("systemd: notifying{}", watchdogMicros > 0 ? ", watchdog every " + w.tickMillis + " ms" : "");
        }
        return w;
    }

    private void run() {
        while (running) {
            tick();
            try {
                Thread.sleep(ready ? tickMillis : Math.min(tickMillis, 200));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tick() {
        List<CameraStats> stats = pipeline.stats();
        long streaming = pipeline.cameraStates().all().values().stream()
                .filter(e -> e.state() == SourceState.STREAMING).count();
        StringBuilder message = new StringBuilder();
        if (!ready && streaming > 0) {
            ready = true;
            message.append("READY=1\n");
        }
        if (pings && ready && moving(stats)) {
            message.append("WATCHDOG=1\n");
        }
        message.append("STATUS=").append(status(stats, streaming));
        notifier.notify(message.toString());
    }

    /**
     * True when a stage took frames since the last period, or when none wait: frames captured and
     * not yet inferred or dropped by a stage, with nothing taken for a whole period, mean a stuck stage.
     */
    boolean moving(List<CameraStats> stats) {
        long progress = 0;
        long waiting = 0;
        for (CameraStats s : stats) {
            long taken = s.inferred.get() + s.skipped() + s.droppedTooOld.get() + s.droppedBacklog.get() + s.failed.get();
            long queued = s.framesIn.get() - s.droppedRingFull.get() - s.droppedTooLarge.get()
                    - s.droppedDecodeError.get();
            progress += taken;
            waiting += Math.max(0, queued - taken);
        }
        long now = System.nanoTime();
        if (progress != lastProgress) {
            lastProgress = progress;
            lastProgressNanos = now;
            return true;
        }
        return waiting == 0 || now - lastProgressNanos < tickMillis * 1_000_000L;
    }

    private String status(List<CameraStats> stats, long streaming) {
        long inferred = stats.stream().mapToLong(s -> s.inferred.get()).sum();
        long alarms = stats.stream().mapToLong(s -> s.alarmsRaised.get()).sum();
        long now = System.nanoTime();
        double fps = (inferred - lastInferred) / Math.max(1e-9, (now - lastTickNanos) / 1e9);
        lastInferred = inferred;
        lastTickNanos = now;
        return String.format(Locale.ROOT, "%d/%d cameras streaming, %.1f fps inferred, %d alarms raised", streaming,
                stats.size(), fps, alarms);
    }

    /** Stops the pings and tells systemd the daemon is stopping. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        notifier.notify("STOPPING=1\nSTATUS=stopping: draining accepted frames");
    }
}
