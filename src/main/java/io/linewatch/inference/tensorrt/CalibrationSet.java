package io.linewatch.inference.tensorrt;

import io.linewatch.capture.CaptureException;
import io.linewatch.preprocess.LetterboxResampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java side of INT8 calibration: batches of model inputs made from calibration frames by the
 * model's own letterbox resampler (the same code, with the same settings, as the preprocess stage,
 * so TensorRT calibrates on exactly what inference will see), and the calibration cache file. The
 * sources are opened only when TensorRT asks for a batch, which it does not when it reuses the cache.
 * Used by the one thread that builds the engine.
 */
public final class CalibrationSet implements AutoCloseable {

    private final List<Path> sources;
    private final int maxFrames;
    private final int everyNthFrame;
    private final LetterboxResampler resampler;
    private final int inputFloats;
    private final int batchSize;
    private final Path cacheFile;
    private final BgrFrame frame = new BgrFrame();
    private FrameFiles frames;
    private int batches;

    /**
     * @param sources     clips, images and image folders
     * @param maxFrames   most frames used
     * @param everyNthFrame of a clip, every n-th frame is used
     * @param resampler   the model's preprocess
     * @param inputFloats floats of one frame's model input
     * @param batchSize   frames per batch handed to TensorRT
     * @param cacheFile   the calibration cache, read when it exists and written after calibration
     */
    CalibrationSet(List<Path> sources, int maxFrames, int everyNthFrame, LetterboxResampler resampler,
                   int inputFloats, int batchSize, Path cacheFile) {
        this.sources = List.copyOf(sources);
        this.maxFrames = maxFrames;
        this.everyNthFrame = everyNthFrame;
        this.resampler = resampler;
        this.inputFloats = inputFloats;
        this.batchSize = batchSize;
        this.cacheFile = cacheFile;
    }

    int batchSize() {
        return batchSize;
    }

    int inputFloats() {
        return inputFloats;
    }

    /**
     * Writes the next {@code batchSize} frames' model inputs into {@code batch}, frame after frame.
     * Returns false when fewer frames remain (a partial batch is not used).
     */
    boolean nextBatch(FloatBuffer batch) {
        try {
            if (frames == null) {
                frames = new FrameFiles(FrameFiles.expand(sources), maxFrames, everyNthFrame);
            }
            for (int i = 0; i < batchSize; i++) {
                if (!frames.next(frame)) {
                    return false;
                }
                resampler.apply(frame.pixels, frame.width, frame.height, batch, i * inputFloats);
            }
        } catch (CaptureException | IOException e) {
            throw new IllegalStateException("calibration frames: " + e.getMessage(), e);
        }
        batches++;
        return true;
    }

    /** Batches handed out so far. */
    int batches() {
        return batches;
    }

    /** The calibration cache's bytes, or null when there is none yet. */
    byte[] readCache() {
        if (cacheFile == null || !Files.isRegularFile(cacheFile)) {
            return null;
        }
        try {
            return Files.readAllBytes(cacheFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the calibration TensorRT computed, written atomically. */
    void writeCache(byte[] cache) {
        if (cacheFile == null) {
            return;
        }
        try {
            AtomicFiles.write(cacheFile, cache);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path cacheFile() {
        return cacheFile;
    }

    @Override
    public void close() {
        if (frames != null) {
            frames.close();
        }
    }
}
