package io.linewatch.postprocess;

import io.linewatch.config.ModelConfig;
import java.util.Arrays;

/** Picks the decoder for a layout and checks that the model's output fits it. */
public final class YoloDecoders {

    private YoloDecoders() {
    }

    /**
     * @param outputDims one frame's output shape, batch left out
     * @throws IllegalArgumentException when the output does not fit the layout and class count
     */
    public static YoloDecoder create(ModelConfig.Layout layout, int classes, long[] outputDims) {
        if (outputDims.length == 2) {
            if (layout == ModelConfig.Layout.YOLOV8 && outputDims[0] == 4 + classes) {
                return new YoloV8Decoder(classes, Math.toIntExact(outputDims[1]));
            }
            if (layout == ModelConfig.Layout.YOLOV5 && outputDims[1] == 5 + classes) {
                return new YoloV5Decoder(classes, Math.toIntExact(outputDims[0]));
            }
        }
        String needs = layout == ModelConfig.Layout.YOLOV8
                ? "[B, " + (4 + classes) + ", N]" : "[B, N, " + (5 + classes) + "]";
        throw new IllegalArgumentException("output shape [B, " + Arrays.toString(outputDims).replaceAll("[\\[\\]]", "")
                + "] does not fit layout " + layout.name().toLowerCase(java.util.Locale.ROOT) + " with "
                + classes + " classes, which needs " + needs);
    }
}
