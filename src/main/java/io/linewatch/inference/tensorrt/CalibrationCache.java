package io.linewatch.inference.tensorrt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The INT8 calibration cache of one build: read from its file before calibrating (when it exists,
 * no calibration frames are needed); what TensorRT computes is kept in memory and written to the
 * file, atomically, only by {@link #commit()} after a build that succeeded with no recorded failure.
 * TensorRT takes a failed {@code getBatch} as the end of the data and still hands over a cache:
 * written at once, that cache would be reused by every later build. Used by the building thread
 * (TensorRT's callbacks run on it).
 */
public final class CalibrationCache {

    private final Path file;
    private byte[] computed;

    /** @param file the cache, or null for none */
    public CalibrationCache(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The cache's bytes, or null when there is none yet. */
    public byte[] read() {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the calibration TensorRT computed, in memory until {@link #commit()}. */
    public void write(byte[] cache) {
        computed = cache.clone();
    }

    /** Whether a computed calibration waits for {@link #commit()}. */
    public boolean pending() {
        return computed != null;
    }

    /** Writes the computed calibration to the file (nothing when none was computed or there is no file). */
    public void commit() {
        if (file == null || computed == null) {
            return;
        }
        try {
            AtomicFiles.write(file, computed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        computed = null;
    }
}
