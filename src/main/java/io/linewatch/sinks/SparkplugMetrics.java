package io.linewatch.sinks;

import io.linewatch.sinks.SparkplugPayload.DataType;
import io.linewatch.sinks.SparkplugPayload.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The edge node's metrics as last published, by device (the node itself is the device {@link #NODE}):
 * what a birth carries, and what a data message compares against. Not thread-safe: the
 * {@link SparkplugNode} guards it with its lock.
 */
final class SparkplugMetrics {

    /** The node's own metrics (NBIRTH, NDATA), apart from the cameras' devices. */
    static final String NODE = "";

    private final Map<String, Map<String, Metric>> devices = new LinkedHashMap<>();
    private final java.util.Set<String> fresh = new java.util.HashSet<>();

    /** Declares a metric with its first value (it goes in the births). */
    void declare(String device, String name, DataType type, Object value, long timeMillis) {
        devices.computeIfAbsent(device, d -> new LinkedHashMap<>()).put(name, new Metric(name, type, timeMillis, value));
    }

    /**
     * Sets a metric's value: returns the metric when the value changed (it belongs in the next data
     * message), null when not. A metric no birth declared is declared and not returned: it waits for
     * the next births ({@link #takeUndeclared}).
     */
    Metric set(String device, String name, DataType type, Object value, long timeMillis) {
        Map<String, Metric> metrics = devices.computeIfAbsent(device, d -> new LinkedHashMap<>());
        Metric old = metrics.get(name);
        Metric now = new Metric(name, type, timeMillis, value);
        if (old == null) {
            metrics.put(name, now);
            fresh.add(device + "\n" + name);
            return null;
        }
        if (Objects.equals(old.value(), value)) {
            return null;
        }
        metrics.put(name, now);
        return now;
    }

    /** Drops the metrics of {@code device} whose names {@code gone} accepts; true when there were any. */
    boolean forget(String device, java.util.function.Predicate<String> gone) {
        Map<String, Metric> metrics = devices.get(device);
        if (metrics == null || !metrics.keySet().removeIf(gone)) {
            return false;
        }
        fresh.removeIf(key -> key.startsWith(device + "\n") && gone.test(key.substring(device.length() + 1)));
        return true;
    }

    /** The metric's last value, or null when it has none. */
    Object value(String device, String name) {
        Metric m = devices.getOrDefault(device, Map.of()).get(name);
        return m == null ? null : m.value();
    }

    /** True when a birth declared the metric (it was not first seen by {@link #set} since the last births). */
    boolean knows(String device, String name) {
        return devices.getOrDefault(device, Map.of()).containsKey(name) && !fresh.contains(device + "\n" + name);
    }

    /** Every metric of {@code device} with its last value, as a birth carries them. */
    List<Metric> birth(String device) {
        return new ArrayList<>(devices.getOrDefault(device, Map.of()).values());
    }

    /** The cameras' devices, in the order they were first declared. */
    List<String> cameraDevices() {
        return devices.keySet().stream().filter(d -> !d.equals(NODE)).toList();
    }

    /** True once after a metric appeared that the last births did not have: births are due again. */
    boolean takeUndeclared() {
        boolean was = !fresh.isEmpty();
        fresh.clear();
        return was;
    }
}
