package io.linewatch.inference.tensorrt;

import io.linewatch.config.BatchProfile;
import io.linewatch.config.TensorRtConfig.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything a serialized TensorRT engine depends on. The daemon loads an engine only when its key
 * equals the one wanted here and now; engine file names carry it (readable parts and a hash of all).
 *
 * @param modelSha256       SHA-256 of the ONNX file
 * @param inputShape        one frame's input, {@code CxHxW}
 * @param precision         engine precision
 * @param profile           the batch sizes it runs
 * @param dlaCore           the DLA core it was built for, or null for the GPU
 * @param tensorRtVersion   TensorRT that built it
 * @param gpuName           GPU it was built on
 * @param computeCapability that GPU's compute capability
 */
public record EngineKey(String modelSha256, String inputShape, Precision precision, BatchProfile profile,
                        Integer dlaCore, String tensorRtVersion, String gpuName, String computeCapability) {

    /** One field in which two keys differ. */
    public record Difference(String field, String engine, String wanted) {
        @Override
        public String toString() {
            return field + " " + engine + " (wanted " + wanted + ")";
        }
    }

    public EngineKey {
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(tensorRtVersion, "tensorRtVersion");
        Objects.requireNonNull(gpuName, "gpuName");
        Objects.requireNonNull(computeCapability, "computeCapability");
    }

    /** The key for a model on a host. */
    public static EngineKey of(String modelSha256, String inputShape, Precision precision, BatchProfile profile,
                               Integer dlaCore, HostInfo host) {
        return new EngineKey(modelSha256, inputShape, precision, profile, dlaCore, host.tensorRtVersion(),
                host.gpuName(), host.computeCapability());
    }

    /**
     * The engine file name for a model called {@code modelStem}: {@code
     * conveyor-det.fp16.b1-4-4.nvidia-geforce-rtx-4090.sm89.trt10.15.1.B.3f2a9c0d1e.engine} (B: TensorRT's build number).
     */
    public String fileName(String modelStem) {
        return modelStem + "." + precision + ".b" + profile + "." + slug(gpuName) + ".sm"
                + computeCapability.replace(".", "") + ".trt" + tensorRtVersion
                + (dlaCore == null ? "" : ".dla" + dlaCore) + "." + hash().substring(0, 10) + ".engine";
    }

    /** SHA-256 of every field. */
    public String hash() {
        return Digests.sha256(String.join("\n", modelSha256, inputShape, precision.toString(), profile.toString(),
                String.valueOf(dlaCore), tensorRtVersion, gpuName, computeCapability));
    }

    /** The fields of this (an engine's) key that differ from {@code wanted}, in a fixed order. */
    public List<Difference> differencesFrom(EngineKey wanted) {
        List<Difference> d = new ArrayList<>();
        compare(d, "model sha256", shortSha(modelSha256), shortSha(wanted.modelSha256));
        compare(d, "input", inputShape, wanted.inputShape);
        compare(d, "precision", precision.toString(), wanted.precision.toString());
        compare(d, "batch profile", profile.toString(), wanted.profile.toString());
        compare(d, "DLA core", dla(dlaCore), dla(wanted.dlaCore));
        compare(d, "TensorRT", tensorRtVersion, wanted.tensorRtVersion);
        compare(d, "GPU", "'" + gpuName + "'", "'" + wanted.gpuName + "'");
        compare(d, "compute capability", computeCapability, wanted.computeCapability);
        return d;
    }

    private static void compare(List<Difference> d, String field, String engine, String wanted) {
        if (!engine.equals(wanted)) {
            d.add(new Difference(field, engine, wanted));
        }
    }

    private static String dla(Integer core) {
        return core == null ? "none (GPU)" : String.valueOf(core);
    }

    private static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return s.isEmpty() ? "gpu" : s;
    }
}
