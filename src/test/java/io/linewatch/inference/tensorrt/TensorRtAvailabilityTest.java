package io.linewatch.inference.tensorrt;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * The availability probe. Its one line is read from the failed load's chain of causes; the messages
 * below are the ones JavaCPP 1.5.13 gave on a Linux machine without the natives, and with the
 * natives but without the NVIDIA driver.
 */
class TensorRtAvailabilityTest {

    @Test
    void theProbeAnswersOnceInOneLine() {
        TensorRtAvailability.Result first = TensorRtAvailability.probe();
        assertThat(TensorRtAvailability.probe()).as("remembered, never probed again").isSameAs(first);
        assertThat(first.message()).doesNotContain("\n");
        if (first.available()) {
            assertThat(first.host().tensorRtVersion()).startsWith("10.");
            assertThat(first.host().computeCapability()).matches("\\d+\\.\\d+");
        } else {
            assertThat(first.message()).startsWith("TensorRT is not available: ");
            assertThat(first.host()).isNull();
        }
    }

    @Test
    void withoutTheJniNativesItSaysToBuildWithTheGpuProfile() {
        UnsatisfiedLinkError first = new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/java/packages/lib:"
                + "/usr/lib/x86_64-linux-gnu/jni:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/usr/lib/jni:/lib:/usr/lib");
        first.initCause(new UnsatisfiedLinkError("Could not find jnicudart in class, module, and library paths."));
        assertThat(TensorRtAvailability.describe(first)).isEqualTo("the TensorRT and CUDA JNI natives for "
                + Loader.getPlatform() + " are not on the class path (jnicudart): build linewatch with -Pgpu (docs/gpu.md)");

        NoClassDefFoundError later = new NoClassDefFoundError("Could not initialize class org.bytedeco.cuda.global.cudart");
        later.initCause(new ExceptionInInitializerError("Exception java.lang.UnsatisfiedLinkError: no jnicudart in"
                + " java.library.path: /usr/lib [in thread \"main\"]"));
        assertThat(TensorRtAvailability.describe(later)).contains("JNI natives").contains("-Pgpu");
    }

    @Test
    void aMissingSystemLibraryIsNamedWithWhatToInstall() {
        assertThat(TensorRtAvailability.describe(linkError("libcuda.so.1")))
                .isEqualTo("libcuda.so.1 cannot be loaded: no NVIDIA driver on this host");
        assertThat(TensorRtAvailability.describe(linkError("libnvinfer.so.10")))
                .isEqualTo("libnvinfer.so.10 cannot be loaded: install TensorRT 10 (docs/gpu.md)");
        assertThat(TensorRtAvailability.describe(linkError("libnvonnxparser.so.10")))
                .isEqualTo("libnvonnxparser.so.10 cannot be loaded: install TensorRT 10 (docs/gpu.md)");
        assertThat(TensorRtAvailability.describe(linkError("libcudnn.so.9")))
                .isEqualTo("libcudnn.so.9 cannot be loaded: install cuDNN 9 (docs/gpu.md)");
        assertThat(TensorRtAvailability.describe(linkError("libcublasLt.so.13")))
                .isEqualTo("libcublasLt.so.13 cannot be loaded: install the CUDA runtime libraries (docs/gpu.md)");
    }

    @Test
    void anythingElseIsReportedAsItCame() {
        assertThat(TensorRtAvailability.describe(new IllegalStateException("cudaGetDevice failed\nmore")))
                .isEqualTo("IllegalStateException: cudaGetDevice failed");
    }

    /** The error JavaCPP gives when the JNI library is there but a library it links to is not. */
    private static UnsatisfiedLinkError linkError(String library) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("no jnicudart in java.library.path: /usr/lib");
        e.initCause(new UnsatisfiedLinkError("/root/.javacpp/cache/cuda-13.1-9.19-1.5.13-linux-x86_64.jar/org/bytedeco/"
                + "cuda/linux-x86_64/libjnicudart.so: " + library + ": cannot open shared object file: No such file or"
                + " directory"));
        return e;
    }
}
