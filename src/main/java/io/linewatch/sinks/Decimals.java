package io.linewatch.sinks;

/**
 * Fixed-point numbers appended to a reused {@link StringBuilder} without allocating (what
 * {@code String.format("%.4f")} costs per call is a formatter and its parse of the pattern): the
 * per-frame results lines use it. Rounds half away from zero on the value's binary expansion.
 */
final class Decimals {

    private static final long[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private Decimals() {
    }

    /** Appends {@code value} with {@code places} (0 to 6) decimals; a value that is not finite as {@code null}. */
    static StringBuilder append(StringBuilder to, double value, int places) {
        if (!Double.isFinite(value)) {
            return to.append("null");
        }
        long scaled = Math.round(Math.abs(value) * POWERS[places]);
        if (value < 0 && scaled != 0) {
            to.append('-');
        }
        to.append(scaled / POWERS[places]);
        if (places > 0) {
            to.append('.');
            long fraction = scaled % POWERS[places];
            for (long p = POWERS[places - 1]; p > 0; p /= 10) {
                to.append((char) ('0' + fraction / p % 10));
            }
        }
        return to;
    }
}
