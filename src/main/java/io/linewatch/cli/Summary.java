package io.linewatch.cli;

import io.linewatch.daemon.Pipeline;
import io.linewatch.pipeline.CameraStats;
import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The summary a replay or demo prints at its end. */
final class Summary {

    private Summary() {
    }

    static void print(PrintStream out, Pipeline pipeline, double seconds) {
        long frames = 0;
        long alarms = 0;
        for (CameraStats s : pipeline.stats()) {
            frames += s.inferred.get();
            alarms += s.alarmsRaised.get();
        }
        out.printf(Locale.ROOT, "replay: %d camera(s), %d frames inferred in %.2f s (%.1f fps), %d alarm(s) raised%n",
                pipeline.stats().size(), frames, seconds, frames / Math.max(seconds, 1e-9), alarms);
        for (CameraStats s : pipeline.stats()) {
            String found = s.detectionsLabel == null ? ""
                    : String.format(Locale.ROOT, ", %s %d", s.detectionsLabel, s.detections.get());
            out.printf(Locale.ROOT, "  camera %s: frames in %d, inferred %d%s, alarms raised %d, cleared %d%n",
                    s.cameraId, s.framesIn.get(), s.inferred.get(), found, s.alarmsRaised.get(), s.alarmsCleared.get());
            out.printf(Locale.ROOT, "  camera %s: dropped %d (ring full %d, backlog %d, too large %d, too old %d,"
                    + " decode error %d, failed %d), failed after inference %d%n", s.cameraId, s.dropped(),
                    s.droppedRingFull.get(), s.droppedBacklog.get(), s.droppedTooLarge.get(), s.droppedTooOld.get(), s.droppedDecodeError.get(), s.failed.get(),
                    s.failedAfterInference.get());
            if (s.skipped() > 0) {
                out.printf(Locale.ROOT, "  camera %s: skipped %d (rate %d, still %d)%n", s.cameraId, s.skipped(),
                        s.skippedRate.get(), s.skippedStill.get());
            }
            if (!s.lineCrossings.isEmpty()) {
                out.printf(Locale.ROOT, "  camera %s: counted %s%n", s.cameraId, s.lineCrossings.entrySet().stream()
                        .sorted(java.util.Map.Entry.comparingByKey(java.util.Comparator
                                .comparing(CameraStats.LineClass::counter).thenComparing(CameraStats.LineClass::className)))
                        .map(e -> e.getKey().counter() + " " + e.getKey().className() + " " + e.getValue().get())
                        .collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        printLatency(out, "frame age at inference", pipeline.ageAtInference().snapshot());
        printLatency(out, "latency capture->publish", pipeline.latency().snapshot());
        if (pipeline.mqtt() != null) {
            out.printf(Locale.ROOT, "  mqtt: %d message(s) acknowledged by the broker, %d wait in the outbox %s,"
                    + " %d alarm(s) refused by a full outbox%n", pipeline.mqtt().acknowledged.get(),
                    pipeline.outbox().waitingCount(), pipeline.outbox().dir(), pipeline.outbox().refused.get());
        }
    }

    private static void printLatency(PrintStream out, String what, Histogram h) {
        if (h.getTotalCount() > 0) {
            out.printf(Locale.ROOT, "  %s: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d frames)%n", what,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6,
                    h.getTotalCount());
        }
    }
}
