package io.linewatch.enginebuild;

import io.linewatch.capture.CaptureException;
import io.linewatch.config.CalibrationConfig;
import io.linewatch.config.TensorRtConfig;
import io.linewatch.inference.EngineException;
import io.linewatch.inference.tensorrt.BuildPlan;
import io.linewatch.inference.tensorrt.CalibrationBatches;
import io.linewatch.preprocess.LetterboxResampler;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java side of INT8 calibration: batches of model inputs made from calibration frames by the
 * model's own letterbox resampler (the same code, with the same settings, as the preprocess stage,
 * so TensorRT calibrates on exactly what inference will see). The sources are opened only when
 * TensorRT asks for a batch, which it does not when it reuses the calibration cache. Used by the one
 * thread that builds the engine.
 */
public final class CalibrationSet implements CalibrationBatches {

    private final List<Path> sources;
    private final int maxFrames;
    private final int everyNthFrame;
    private final LetterboxResampler resampler;
    private final int inputFloats;
    private final int batchSize;
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
     */
    CalibrationSet(List<Path> sources, int maxFrames, int everyNthFrame, LetterboxResampler resampler,
                   int inputFloats, int batchSize) {
        this.sources = List.copyOf(sources);
        this.maxFrames = maxFrames;
        this.everyNthFrame = everyNthFrame;
        this.resampler = resampler;
        this.inputFloats = inputFloats;
        this.batchSize = batchSize;
    }

    /**
     * The calibration frames of a plan, one batch of its profile's opt size at a time (TensorRT
     * calibrates at the opt shape), preprocessed as the model's config says.
     *
     * @throws EngineException a calibration source that is not there or holds no frames, in one line
     *                         naming the model and the setting
     */
    public static CalibrationSet of(BuildPlan plan) throws EngineException {
        requireSources(plan);
        CalibrationConfig c = plan.config().tensorrt().calibration();
        List<Path> sources = c.sources().stream().map(Path::of).toList();
        return new CalibrationSet(sources, c.frames(), c.everyNthFrame(), LetterboxResampler.of(plan.signature().width(),
                plan.signature().height(), plan.config().preprocess()), plan.signature().inputFloats(), plan.profile().opt());
    }

    /**
     * Checks, unless the plan's calibration cache exists, that every calibration source is there and
     * holds frames.
     *
     * @throws EngineException one line naming the model, the setting and the source
     */
    public static void requireSources(BuildPlan plan) throws EngineException {
        if (plan.precision() != TensorRtConfig.Precision.INT8
                || Files.isRegularFile(plan.calibrationCache())) {
            return;
        }
        try {
            FrameFiles.expand(plan.config().tensorrt().calibration().sources().stream().map(Path::of).toList());
        } catch (IOException e) {
            throw new EngineException("model " + plan.model() + ": tensorrt.calibration.sources: " + e.getMessage(), e);
        }
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
    @Override
    public boolean nextBatch(FloatBuffer batch) {
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

    @Override
    public void close() {
        if (frames != null) {
            frames.close();
        }
    }
}
