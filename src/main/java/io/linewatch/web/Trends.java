package io.linewatch.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.linewatch.config.CameraConfig;
import io.linewatch.config.CounterConfig;
import io.linewatch.config.LinewatchConfig;
import io.linewatch.daemon.PipelineView;
import io.linewatch.pipeline.CameraStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;

/**
 * The console's counts over time, sampled from the view's counters every {@link #SAMPLE_SECONDS} on a
 * thread of its own (the pipeline's threads do nothing for it): per counting line its crossings,
 * per camera its dropped frames, per inspection camera its ok and nok parts, and the capture-to-publish
 * p99 of each interval. The last hour of samples is kept, and the parts' totals at each of the last
 * {@link #HOURS} hour starts; all arrays are allocated here, for the config's counters and cameras
 * (a counter a reload adds is drawn after a restart). {@link #render} reads under the same lock.
 */
final class Trends implements AutoCloseable {

    static final int SAMPLE_SECONDS = 5;
    static final int SAMPLES = 3600 / SAMPLE_SECONDS + 1;
    static final int HOURS = 24;
    /** Samples in a minute: counts per minute are the growth over this many samples (fewer at the start). */
    private static final int MINUTE = 60 / SAMPLE_SECONDS;

    /** One cumulative count: its name, kind and how it is read from a camera's stats. */
    private record Count(String name, String kind, int camera, ToLongFunction<CameraStats> read) {
    }

    private final PipelineView view;
    private final List<Count> counts = new ArrayList<>();
    private final long[] epochSeconds = new long[SAMPLES];
    private final long[][] values;
    private final double[] latencyP99Millis = new double[SAMPLES];
    private final int[] partCameras;
    private final long[] hourStarts = new long[HOURS];
    private final long[][] okAtHour;
    private final long[][] nokAtHour;
    private int hourCount;
    private int count;
    private int next;
    private Histogram previousLatency = new Histogram(3);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lw-console-trends");
        t.setDaemon(true);
        return t;
    });

    Trends(LinewatchConfig config, PipelineView view) {
        this.view = view;
        List<CameraConfig> cameras = config.cameras();
        List<Integer> withParts = new ArrayList<>();
        for (int i = 0; i < cameras.size(); i++) {
            CameraConfig c = cameras.get(i);
            for (CounterConfig counter : c.counters()) {
                String line = counter.name();
                counts.add(new Count(c.id() + " " + line, "count", i, s -> crossings(s, line)));
            }
            counts.add(new Count(c.id() + " dropped", "drops", i, CameraStats::dropped));
            if (c.inspection() != null && c.inspection().parts() != null) {
                withParts.add(i);
            }
        }
        values = new long[counts.size()][SAMPLES];
        partCameras = withParts.stream().mapToInt(Integer::intValue).toArray();
        okAtHour = new long[partCameras.length][HOURS];
        nokAtHour = new long[partCameras.length][HOURS];
        timer.scheduleAtFixedRate(this::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS);
    }

    private static long crossings(CameraStats s, String counter) {
        long n = 0;
        for (var e : s.lineCrossings.entrySet()) {
            if (e.getKey().counter().equals(counter)) {
                n += e.getValue().get();
            }
        }
        return n;
    }

    /** Takes one sample now (the timer's thread). */
    synchronized void sample() {
        long now = System.currentTimeMillis() / 1000;
        List<CameraStats> stats = view.stats();
        epochSeconds[next] = now;
        for (int k = 0; k < counts.size(); k++) {
            Count c = counts.get(k);
            values[k][next] = c.read().applyAsLong(stats.get(c.camera()));
        }
        Histogram total = view.latency().snapshot();
        Histogram interval = total.copy();
        interval.subtract(previousLatency);
        previousLatency = total;
        latencyP99Millis[next] = interval.getTotalCount() == 0 ? Double.NaN
                : interval.getValueAtPercentile(99) / 1e6;
        next = (next + 1) % SAMPLES;
        count = Math.min(SAMPLES, count + 1);
        long hour = now - now % 3600;
        if (hourCount == 0 || hourStarts[(hourCount - 1) % HOURS] != hour) {
            int at = hourCount % HOURS;
            hourStarts[at] = hour;
            for (int p = 0; p < partCameras.length; p++) {
                okAtHour[p][at] = stats.get(partCameras[p]).partsOk.get();
                nokAtHour[p][at] = stats.get(partCameras[p]).partsNok.get();
            }
            hourCount++;
        }
    }

    /**
     * Adds {@code samples} (the sample times), {@code latencyP99Millis} (null where no frame went
     * through), {@code perMinute} (each count's growth over the minute up to each sample, scaled to a
     * minute where fewer samples exist; null for the first) and {@code partsPerHour} (per inspection
     * camera, ok and nok parts of each hour, the current one so far) to {@code root}.
     */
    synchronized void render(ObjectNode root, LinewatchConfig config) {
        int first = (next + SAMPLES - count) % SAMPLES;
        ArrayNode times = root.putArray("samples");
        ArrayNode latency = root.putArray("latencyP99Millis");
        for (int i = 0; i < count; i++) {
            int at = (first + i) % SAMPLES;
            times.add(epochSeconds[at]);
            if (Double.isNaN(latencyP99Millis[at])) {
                latency.addNull();
            } else {
                latency.add(Math.round(latencyP99Millis[at] * 100) / 100.0);
            }
        }
        ArrayNode perMinute = root.putArray("perMinute");
        for (int k = 0; k < counts.size(); k++) {
            ObjectNode series = perMinute.addObject().put("name", counts.get(k).name()).put("kind", counts.get(k).kind());
            ArrayNode v = series.putArray("values");
            for (int i = 0; i < count; i++) {
                int back = Math.min(i, MINUTE);
                if (back == 0) {
                    v.addNull();
                    continue;
                }
                int at = (first + i) % SAMPLES;
                int from = (first + i - back) % SAMPLES;
                double seconds = Math.max(1, epochSeconds[at] - epochSeconds[from]);
                v.add(Math.round((values[k][at] - values[k][from]) * 60.0 / seconds * 10) / 10.0);
            }
        }
        ArrayNode parts = root.putArray("partsPerHour");
        int hours = Math.min(hourCount, HOURS);
        List<CameraStats> stats = view.stats();
        for (int p = 0; p < partCameras.length; p++) {
            ObjectNode camera = parts.addObject().put("camera", config.cameras().get(partCameras[p]).id());
            ArrayNode starts = camera.putArray("hourStarts");
            ArrayNode ok = camera.putArray("ok");
            ArrayNode nok = camera.putArray("nok");
            for (int h = hourCount - hours; h < hourCount; h++) {
                int at = h % HOURS;
                int after = (h + 1) % HOURS;
                boolean current = h == hourCount - 1;
                starts.add(hourStarts[at]);
                ok.add((current ? stats.get(partCameras[p]).partsOk.get() : okAtHour[p][after]) - okAtHour[p][at]);
                nok.add((current ? stats.get(partCameras[p]).partsNok.get() : nokAtHour[p][after]) - nokAtHour[p][at]);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
