package io.linewatch.inference.tensorrt;

/**
 * What an engine is bound to on this host: TensorRT refuses engines from another TensorRT version,
 * and an engine is tuned for one GPU model.
 *
 * @param tensorRtVersion   the loaded TensorRT library with its build number, e.g. {@code 10.15.1.29}
 * @param gpuName           the CUDA device's name, e.g. {@code NVIDIA GeForce RTX 4090} or {@code Orin}
 * @param computeCapability the device's compute capability, e.g. {@code 8.9}
 */
public record HostInfo(String tensorRtVersion, String gpuName, String computeCapability) {

    /**
     * {@code 10.3.0.26}: a serialized engine loads only on the TensorRT of the same major, minor,
     * patch and build, so engine keys and timing cache names carry all four.
     */
    static String tensorRtVersion(int major, int minor, int patch, int build) {
        return major + "." + minor + "." + patch + "." + build;
    }

    @Override
    public String toString() {
        return gpuName + " (compute " + computeCapability + "), TensorRT " + tensorRtVersion;
    }
}
