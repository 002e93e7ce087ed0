package io.linewatch.inference.tensorrt;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;

/**
 * Whether this process can run TensorRT: the JNI natives, the NVIDIA driver, CUDA, TensorRT and its
 * ONNX parser load, and a CUDA device is there. Probed once per process and remembered: a JavaCPP
 * class whose natives failed to load throws {@link UnsatisfiedLinkError} the first time and only
 * {@link NoClassDefFoundError} afterwards, which no longer says what was missing. No other class
 * touches TensorRT or CUDA before the probe said yes.
 */
public final class TensorRtAvailability {

    /** The probe's answer: this host's GPU and TensorRT, or one line saying what is missing. */
    public record Result(HostInfo host, String missing) {
        public boolean available() {
            return missing == null;
        }

        /** {@code TensorRT is not available: WHAT IS MISSING}. */
        public String message() {
            return available() ? "TensorRT is available: " + host : "TensorRT is not available: " + missing;
        }
    }

    private static final Pattern LIBRARY = Pattern.compile("(lib[\\w+-]+(?:\\.[\\w+-]+)*?\\.so[\\d.]*): cannot open");
    private static final Pattern JNI = Pattern.compile("(?:no |find )(jni\\w+)");

    private static Result result;

    private TensorRtAvailability() {
    }

    /** The answer for this process, probing on the first call only. */
    public static synchronized Result probe() {
        if (result == null) {
            result = load();
        }
        return result;
    }

    private static Result load() {
        for (Class<?> natives : List.of(cudart.class, nvinfer.class, nvonnxparser.class)) {
            try {
                Loader.load(natives);
            } catch (Throwable t) {
                return new Result(null, describe(t));
            }
        }
        try {
            return new Result(host(), null);
        } catch (IllegalStateException e) {
            return new Result(null, e.getMessage());
        } catch (Throwable t) {
            return new Result(null, describe(t));
        }
    }

    private static HostInfo host() {
        int[] count = {0};
        int status = cudart.cudaGetDeviceCount(count);
        if (status != cudart.cudaSuccess || count[0] == 0) {
            throw new IllegalStateException("no CUDA device" + (status == cudart.cudaSuccess ? ""
                    : " (" + Cuda.errorName(status) + ")"));
        }
        int[] device = {0};
        Cuda.require(cudart.cudaGetDevice(device), "cudaGetDevice");
        try (cudaDeviceProp properties = new cudaDeviceProp()) {
            Cuda.require(cudart.cudaGetDeviceProperties(properties, device[0]), "cudaGetDeviceProperties");
            return new HostInfo(HostInfo.tensorRtVersion(nvinfer.getInferLibMajorVersion(),
                    nvinfer.getInferLibMinorVersion(), nvinfer.getInferLibPatchVersion(),
                    nvinfer.getInferLibBuildVersion()),
                    properties.name().getString().trim(), properties.major() + "." + properties.minor());
        }
    }

    /** One line naming what is missing, read from a failed load's chain of causes. */
    static String describe(Throwable failure) {
        String text = messages(failure);
        Matcher library = LIBRARY.matcher(text);
        if (library.find()) {
            return missingLibrary(library.group(1));
        }
        Matcher jni = JNI.matcher(text);
        if (jni.find()) {
            return "the TensorRT and CUDA JNI natives for " + Loader.getPlatform() + " are not on the class path ("
                    + jni.group(1) + "): build linewatch with -Pgpu (docs/gpu.md)";
        }
        return failure.getClass().getSimpleName() + ": " + firstLine(String.valueOf(failure.getMessage()));
    }

    private static String missingLibrary(String library) {
        if (library.startsWith("libcuda.so")) {
            return library + " cannot be loaded: no NVIDIA driver on this host";
        }
        if (library.startsWith("libnvinfer") || library.startsWith("libnvonnxparser")) {
            return library + " cannot be loaded: install TensorRT 10 (docs/gpu.md)";
        }
        if (library.startsWith("libcudnn")) {
            return library + " cannot be loaded: install cuDNN 9 (docs/gpu.md)";
        }
        return library + " cannot be loaded: install the CUDA runtime libraries (docs/gpu.md)";
    }

    /** Every message of the chain of causes, outermost first. */
    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null && messages.size() < 10; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return String.join(" | ", messages);
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }
}
