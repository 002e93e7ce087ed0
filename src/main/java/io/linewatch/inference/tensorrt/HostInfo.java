package io.linewatch.inference.tensorrt;

/**
 * What an engine is bound to on this host: TensorRT refuses engines from another TensorRT version,
 * and an engine is tuned for one GPU model.
 *
 * @param tensorRtVersion   the loaded TensorRT library, e.g. {@code 10.15.1}
 * @param gpuName           the CUDA device's name, e.g. {@code NVIDIA GeForce RTX 4090} or {@code Orin}
 * @param computeCapability the device's compute capability, e.g. {@code 8.9}
 */
public record HostInfo(String tensorRtVersion, String gpuName, String computeCapability) {

    /** {@code 10.15.1} from TensorRT 10's packed version number (major * 10000 + minor * 100 + patch). */
    static String tensorRtVersion(int packed) {
        return packed / 10000 + "." + packed / 100 % 100 + "." + packed % 100;
    }

    @Override
    public String toString() {
        return gpuName + " (compute " + computeCapability + "), TensorRT " + tensorRtVersion;
    }
}
