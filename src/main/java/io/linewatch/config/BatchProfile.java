package io.linewatch.config;

/**
 * The batch sizes a TensorRT engine is built for (its optimisation profile): it runs any batch from
 * {@code min} to {@code max} frames and is tuned for {@code opt}.
 */
public record BatchProfile(int min, int opt, int max) {

    public BatchProfile {
        if (min < 1 || opt < min || max < opt) {
            throw new IllegalArgumentException("a batch profile needs 1 <= min <= opt <= max, got " + min + "/" + opt
                    + "/" + max);
        }
    }

    /** True when an engine of this profile runs batches of {@code batch} frames. */
    public boolean covers(int batch) {
        return batch >= min && batch <= max;
    }

    /** {@code min-opt-max}, as in engine file names. */
    @Override
    public String toString() {
        return min + "-" + opt + "-" + max;
    }
}
