package io.linewatch.inference.tensorrt;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Page-locked host memory, allocated once: the GPU copies from and to it directly, asynchronously.
 * The float view must not be used after {@link #close()}.
 */
final class PinnedMemory implements AutoCloseable {

    private final Pointer address = new Pointer();
    private final FloatBuffer floats;

    PinnedMemory(long bytes, String what) {
        Cuda.require(cudart.cudaMallocHost(address, bytes), "cudaMallocHost of " + bytes + " bytes for " + what);
        floats = new BytePointer(address).capacity(bytes).asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    Pointer address() {
        return address;
    }

    /** The memory as floats, index 0 at its start. */
    FloatBuffer floats() {
        return floats;
    }

    @Override
    public void close() {
        cudart.cudaFreeHost(address);
    }
}
