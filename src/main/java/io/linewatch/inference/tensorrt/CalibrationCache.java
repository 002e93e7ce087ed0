package io.linewatch.inference.tensorrt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The INT8 calibration cache file that TensorRT reads before calibrating and writes after: when it
 * exists, no calibration frames are needed. Written atomically. Used by the building thread.
 *
 * @param file the cache, or null for none
 */
public record CalibrationCache(Path file) {

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

    /** Keeps the calibration TensorRT computed. */
    public void write(byte[] cache) {
        if (file == null) {
            return;
        }
        try {
            AtomicFiles.write(file, cache);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
