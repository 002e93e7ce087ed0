package io.linewatch.config;

/**
 * How much accuracy a reduced-precision engine may lose against the FP32 reference (ONNX Runtime) on
 * the validation clips before {@code build-engine --validate} refuses it.
 *
 * @param maxPrecisionDrop   detection: most loss of precision (share of its boxes that the reference also finds)
 * @param maxRecallDrop      detection: most loss of recall (share of the reference's boxes it finds)
 * @param minMaskIou         segmentation: least IoU of its defect mask with the reference's
 * @param maxTemperatureMaeK thermal: largest mean absolute temperature difference, kelvin
 * @param minTop1Agreement   classification: least share of images whose most probable state is the reference's
 * @param maxLogitDiff       classification: largest difference of any score (logits, or probabilities for a
 *                           model that outputs them) from the reference's
 */
public record AccuracyGateConfig(Double maxPrecisionDrop, Double maxRecallDrop, Double minMaskIou,
                                 Double maxTemperatureMaeK, Double minTop1Agreement, Double maxLogitDiff) {

    public AccuracyGateConfig {
        maxPrecisionDrop = maxPrecisionDrop == null ? 0.02 : maxPrecisionDrop;
        maxRecallDrop = maxRecallDrop == null ? 0.02 : maxRecallDrop;
        minMaskIou = minMaskIou == null ? 0.9 : minMaskIou;
        maxTemperatureMaeK = maxTemperatureMaeK == null ? 0.5 : maxTemperatureMaeK;
        minTop1Agreement = minTop1Agreement == null ? 0.99 : minTop1Agreement;
        maxLogitDiff = maxLogitDiff == null ? 0.5 : maxLogitDiff;
        if (maxPrecisionDrop < 0 || maxPrecisionDrop > 1 || maxRecallDrop < 0 || maxRecallDrop > 1) {
            throw new IllegalArgumentException("max_precision_drop and max_recall_drop must be within 0..1");
        }
        if (minMaskIou < 0 || minMaskIou > 1) {
            throw new IllegalArgumentException("min_mask_iou must be within 0..1, got " + minMaskIou);
        }
        if (maxTemperatureMaeK < 0) {
            throw new IllegalArgumentException("max_temperature_mae_k must be >= 0, got " + maxTemperatureMaeK);
        }
        if (minTop1Agreement < 0 || minTop1Agreement > 1) {
            throw new IllegalArgumentException("min_top1_agreement must be within 0..1, got " + minTop1Agreement);
        }
        if (maxLogitDiff < 0) {
            throw new IllegalArgumentException("max_logit_diff must be >= 0, got " + maxLogitDiff);
        }
    }

    public static AccuracyGateConfig defaults() {
        return new AccuracyGateConfig(null, null, null, null, null, null);
    }
}
