package io.linewatch.inference.tensorrt;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;

/** CUDA runtime status codes as exceptions. */
final class Cuda {

    private Cuda() {
    }

    /** Throws unless {@code status} is {@code cudaSuccess}. */
    static void require(int status, String call) {
        if (status != cudart.cudaSuccess) {
            throw new IllegalStateException(call + " failed: " + errorName(status));
        }
    }

    static String errorName(int status) {
        BytePointer text = cudart.cudaGetErrorString(status);
        return (text == null ? "CUDA error" : text.getString()) + " (" + status + ")";
    }
}
