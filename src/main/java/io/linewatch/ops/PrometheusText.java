package io.linewatch.ops;

import io.linewatch.pipeline.BucketCounts;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;

/**
 * Writes metrics in the Prometheus text exposition format (version 0.0.4): one {@code # HELP} and
 * {@code # TYPE} header per family, then its samples. Not thread-safe: one per scrape.
 */
final class PrometheusText {

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a family; {@code type} is {@code counter}, {@code gauge}, {@code summary} or {@code histogram}. */
    PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample; {@code labels} are name, value pairs. */
    PrometheusText sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"").append(escape(labels[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    /**
     * One histogram of a {@code histogram} family: its cumulative {@code _bucket} samples (label
     * {@code le}), {@code _sum} and {@code _count}, the recorded values divided by {@code divisor}
     * (nanoseconds to seconds: 1e9).
     */
    PrometheusText histogram(String name, BucketCounts counts, double divisor, String... labels) {
        long[] bounds = counts.upperBounds();
        long[] cumulative = counts.cumulativeCounts();
        String[] withLe = Arrays.copyOf(labels, labels.length + 2);
        withLe[labels.length] = "le";
        for (int i = 0; i < cumulative.length; i++) {
            withLe[labels.length + 1] = i < bounds.length ? plain(bounds[i] / divisor) : "+Inf";
            sample(name + "_bucket", cumulative[i], withLe);
        }
        sample(name + "_sum", counts.sum() / divisor, labels);
        return sample(name + "_count", cumulative[cumulative.length - 1], labels);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.9g", v);
    }

    /** A bucket bound as people write it: 0.0001, 2.5, 64. */
    private static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
