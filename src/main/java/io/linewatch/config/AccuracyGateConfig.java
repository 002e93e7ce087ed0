package io.linewatch.config;

/**
 * How much accuracy a reduced-precision engine may lose against the FP32 reference (ONNX Runtime) on
 * the validation clips before {@code build-engine --validate} refuses it.
 *
 * @param maxPrecisionDrop   detection: most loss of precision (share of its boxes that the reference also finds)
 * @param maxRecallDrop      detection: most loss of recall (share of the reference's boxes it finds)
 * @param minMaskIou         segmentation: least IoU of its defect mask with the reference's
 * @param maxTemperatureMaeK thermal: largest mean absolute temperature difference, kelvin
 */
public record AccuracyGateConfig(Double maxPrecisionDrop, Double maxRecallDrop, Double minMaskIou,
                                 Double maxTemperatureMaeK) {

    public AccuracyGateConfig {
        maxPrecisionDrop = maxPrecisionDrop == null ? 0.02 : maxPrecisionDrop;
        maxRecallDrop = maxRecallDrop == null ? 0.02 : maxRecallDrop;
        minMaskIou = minMaskIou == null ? 0.9 : minMaskIou;
        maxTemperatureMaeK = maxTemperatureMaeK == null ? 0.5 : maxTemperatureMaeK;
        if (maxPrecisionDrop < 0 || maxPrecisionDrop > 1 || maxRecallDrop < 0 || maxRecallDrop > 1) {
            throw new IllegalArgumentException("max_precision_drop and max_recall_drop must be within 0..1");
        }
        if (minMaskIou < 0 || minMaskIou > 1) {
            throw new IllegalArgumentException("min_mask_iou must be within 0..1, got " + minMaskIou);
        }
        if (maxTemperatureMaeK < 0) {
            throw new IllegalArgumentException("max_temperature_mae_k must be >= 0, got " + maxTemperatureMaeK);
        }
    }

    public static AccuracyGateConfig defaults() {
        return new AccuracyGateConfig(null, null, null, null);
    }
}
