package io.linewatch.ops;

import java.util.Locale;

/**
 * Writes metrics in the Prometheus text exposition format (version 0.0.4): one {@code # HELP} and
 * {@code # TYPE} header per family, then its samples. Not thread-safe: one per scrape.
 */
final class PrometheusText {

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a family; {@code type} is {@code counter}, {@code gauge} or {@code summary}. */
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

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
