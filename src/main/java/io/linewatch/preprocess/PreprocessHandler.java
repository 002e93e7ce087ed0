package io.linewatch.preprocess;

import com.lmax.disruptor.EventHandler;
import io.linewatch.pipeline.FrameEvent;
import io.linewatch.pipeline.Freshness;

/**
 * The preprocess stage of one lane, on its own thread (or one of the lane's preprocess threads, for
 * its share of the frames, each with its own instance). Reads the slot's pixels (BGR or I420
 * planes) and size; writes
 * the slot's model input (letterboxed, normalised CHW floats) and its letterbox transform. Skips
 * frames an earlier stage failed on, and drops (marks and counts) what the lane's {@link Freshness}
 * gate says is stale or its inference gate does not infer, so no time is spent on it.
 */
public final class PreprocessHandler implements EventHandler<FrameEvent> {

    public static final String NAME = "preprocess";

    private final LetterboxResampler resampler;
    private final Freshness freshness;

    public PreprocessHandler(LetterboxResampler resampler, Freshness freshness) {
        this.resampler = resampler;
        this.freshness = freshness;
    }

    @Override
    public void onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
        if (freshness.skipBeforePreprocess(event, sequence)) {
            return;
        }
        LetterboxGeometry g = event.pixelFormat == FrameEvent.PixelFormat.I420
                ? resampler.applyI420(event.pixels, event.width, event.height, event.input, 0)
                : resampler.apply(event.pixels, event.width, event.height, event.input, 0);
        event.letterboxScale = g.scale();
        event.padLeft = g.padLeft();
        event.padTop = g.padTop();
    }
}
